#!/usr/bin/env python3
"""Generate docs/coverage.md: which scenarios exercise each API item of the seed.

The items are read from the seed document (every function, method, attribute and exception
directive, and every constant or constant group of a ``data`` directive). A scenario exercises

  - a function, method or attribute when one of its steps calls that op (a method or an
    attribute: a step with ``sock``; a function: a step with neither ``sock`` nor ``file``);
  - an exception when a step expects it: ``error`` for any errno name or ``"error"``,
    ``gaierror`` for ``gaierror:*``, ``herror`` for ``herror:*``, ``timeout`` for ``timeout``;
  - a constant or constant group when a step names it (or a member of the group) in its
    arguments or its expectation, ``gaierror:EAI_*`` / ``herror:*`` included.

Items that no scenario can exercise on Linux (Windows-only methods and constants, the TIPC
family, the Python type object ``SocketType``) are listed as not applicable, with the reason.

The seed document is looked up in this order: --seed, $SOCKSIM_SEED, docs/seed/socket-module.rst,
../shared/seed/socket-module.rst. Each time it is read, the list of items is stored in
tools/seed_items.json, which serves where the document is not at hand (a fresh clone).

Usage (from the repository root):
  python3 tools/coverage.py            write docs/coverage.md
  python3 tools/coverage.py --check    exit 1 if docs/coverage.md is stale or an item has no scenario
  python3 tools/coverage.py --stdout   print the document instead of writing it
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = ROOT / "docs" / "seed" / "socket-module.rst"
FALLBACK_SEED = ROOT.parent / "shared" / "seed" / "socket-module.rst"
ITEMS_CACHE = ROOT / "tools" / "seed_items.json"
DEFAULT_SCENARIOS = ROOT / "scenarios"
DEFAULT_OUTPUT = ROOT / "docs" / "coverage.md"
COMMAND = "python3 tools/coverage.py"

# Items that cannot have a scenario, and why.
NOT_APPLICABLE = {
    "socket.ioctl": "Windows only (WSAIoctl); on Unix the seed points to fcntl.ioctl",
    "SIO_*": "Windows only: arguments of socket.ioctl",
    "RCVALL_*": "Windows only: arguments of socket.ioctl",
    "TIPC_*": "the TIPC address family is not part of socksim's interface (AF_INET, AF_INET6, AF_UNIX)",
    "SocketType": "a Python type object; in socksim it is the Socket class itself, used by every scenario",
}

# How many scenario names the summary table shows per item (the full index lists all).
EXAMPLES = 4


@dataclass
class Item:
    name: str  # "getaddrinfo", "socket.recv", "socket.family", "error", "AF_INET", "SO_*"
    kind: str  # function | method | attribute | exception | constant
    line: int  # line of the directive in the seed
    scenarios: list[str] = field(default_factory=list)

    @property
    def op(self) -> str:
        return self.name.split(".", 1)[1] if self.kind in ("method", "attribute") else self.name


DIRECTIVE = re.compile(r"^\.\. (function|method|attribute|exception|data)::\s+(.*)$")


def parse_seed(path: Path) -> list[Item]:
    """Every API item of the seed, in document order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    items: list[Item] = []
    seen: set[str] = set()
    i = 0
    while i < len(lines):
        m = DIRECTIVE.match(lines[i])
        if not m:
            i += 1
            continue
        kind, first = m.group(1), m.group(2)
        start = i + 1
        signatures = [first]
        # Continuation lines (more names of the same directive) follow without a blank line.
        j = i + 1
        while j < len(lines) and lines[j].strip() and not lines[j].lstrip().startswith(":"):
            signatures.append(lines[j].strip())
            j += 1
        i = j
        for sig in signatures:
            name = sig.split("(", 1)[0].strip()
            if not name or name in seen:
                continue
            seen.add(name)
            if kind == "data":
                # has_ipv6 and SocketType are module attributes described as data.
                items.append(Item(name, "constant", start))
            else:
                items.append(Item(name, kind, start))
    return items


@dataclass
class Scenario:
    name: str
    path: Path
    steps: list[dict]


def load_scenarios(folder: Path) -> list[Scenario]:
    out = []
    names: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise SystemExit(f"{path}:{e.lineno}:{e.colno}: {e.msg}")
        name = doc.get("name")
        if not isinstance(name, str) or not isinstance(doc.get("steps"), list):
            raise SystemExit(f"{path}: not a scenario (needs \"name\" and \"steps\")")
        if name in names:
            raise SystemExit(f"{path}: scenario name {name!r} also used by {names[name]}")
        names[name] = path
        out.append(Scenario(name, path, doc["steps"]))
    return out


def strings_in(value) -> list[str]:
    """Every string inside a JSON value (keys excluded)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    return []


ERRNO_NAME = re.compile(r"^E[A-Z0-9]+$")


def expected_errors(step: dict) -> list[str]:
    expect = step.get("expect")
    if not isinstance(expect, dict):
        return []
    out = []
    if isinstance(expect.get("error"), str):
        out.append(expect["error"])
    if isinstance(expect.get("error_any"), list):
        out += [e for e in expect["error_any"] if isinstance(e, str)]
    return out


def step_names(step: dict) -> set[str]:
    """Constant-like names a step uses in its arguments or expectation."""
    names = set()
    for s in strings_in(step.get("args", {})) + strings_in(step.get("expect", {})):
        if s.startswith(("gaierror:", "herror:")):
            s = s.split(":", 1)[1]
        if re.fullmatch(r"[A-Z][A-Z0-9_]*", s):
            names.add(s)
    return names


def exercises(item: Item, step: dict) -> bool:
    op = step.get("op")
    on_socket = "sock" in step
    on_file = "file" in step
    if item.kind == "function":
        return op == item.op and not on_socket and not on_file
    if item.kind in ("method", "attribute"):
        return op == item.op and on_socket
    if item.kind == "exception":
        errors = expected_errors(step)
        if item.name == "error":
            return any(e == "error" or ERRNO_NAME.match(e) for e in errors)
        if item.name == "timeout":
            return "timeout" in errors
        return any(e.startswith(item.name + ":") or e == item.name for e in errors)
    # constants
    if item.name == "has_ipv6":
        return op == "has_ipv6"
    names = step_names(step)
    if item.name.endswith("*"):
        prefix = item.name[:-1]
        return any(n.startswith(prefix) for n in names)
    return item.name in names


def compute(items: list[Item], scenarios: list[Scenario]) -> None:
    for item in items:
        item.scenarios = [sc.name for sc in scenarios if any(exercises(item, st) for st in sc.steps)]


def render(items: list[Item], scenarios: list[Scenario], seed_label: str) -> str:
    areas: dict[str, int] = {}
    for sc in scenarios:
        area = sc.path.parent.name
        areas[area] = areas.get(area, 0) + 1
    missing = [it for it in items if not it.scenarios and it.name not in NOT_APPLICABLE]
    not_applicable = [it for it in items if it.name in NOT_APPLICABLE]
    covered = [it for it in items if it.scenarios]

    out = []
    out.append("# Seed API coverage")
    out.append("")
    out.append(f"Generated by `{COMMAND}` (from the repository root); do not edit by hand.")
    out.append(f"`{COMMAND} --check` fails when this file is stale or an item has no scenario.")
    out.append("")
    out.append(f"Items come from `{seed_label}`: every function, method, attribute and exception, and")
    out.append("every constant or constant group. A scenario exercises an item when a step calls it (or, for")
    out.append("exceptions and constants, expects or names it); see the tool's docstring for the rules.")
    out.append("")
    out.append(f"- Scenarios: {len(scenarios)} ("
               + ", ".join(f"{a} {n}" for a, n in sorted(areas.items())) + ")")
    out.append(f"- Seed items: {len(items)}; with a scenario: {len(covered)}; not applicable: "
               f"{len(not_applicable)}; without a scenario: {len(missing)}")
    out.append("")
    out.append("## Items without a scenario")
    out.append("")
    if missing:
        for it in missing:
            out.append(f"- `{it.name}` ({it.kind}, seed line {it.line})")
    else:
        out.append("None.")
    out.append("")
    out.append("## Not applicable")
    out.append("")
    out.append("| Item | Kind | Why |")
    out.append("| --- | --- | --- |")
    for it in not_applicable:
        extra = f" ({len(it.scenarios)} scenarios name it)" if it.scenarios else ""
        out.append(f"| `{it.name}` | {it.kind} | {NOT_APPLICABLE[it.name]}{extra} |")
    out.append("")
    out.append("## Summary")
    out.append("")
    out.append("| Item | Kind | Scenarios | Examples |")
    out.append("| --- | --- | ---: | --- |")
    for it in items:
        if it.name in NOT_APPLICABLE and not it.scenarios:
            continue
        ex = ", ".join(f"`{n}`" for n in it.scenarios[:EXAMPLES])
        if len(it.scenarios) > EXAMPLES:
            ex += f", … (+{len(it.scenarios) - EXAMPLES})"
        out.append(f"| `{it.name}` | {it.kind} | {len(it.scenarios)} | {ex or '**none**'} |")
    out.append("")
    out.append("## Full index")
    out.append("")
    for it in items:
        if not it.scenarios:
            continue
        out.append(f"- `{it.name}`: " + ", ".join(it.scenarios))
    out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=Path, help="the seed document (socket-module.rst)")
    ap.add_argument("--scenarios", type=Path, default=DEFAULT_SCENARIOS)
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="verify instead of writing")
    mode.add_argument("--stdout", action="store_true", help="print the document")
    args = ap.parse_args(argv)

    candidates = [args.seed] if args.seed else [
        Path(p) for p in (os.environ.get("SOCKSIM_SEED"), DEFAULT_SEED, FALLBACK_SEED) if p]
    seed = next((c for c in candidates if c.exists()), None)
    if seed is not None:
        items = parse_seed(seed)
        cache = json.dumps([{"name": it.name, "kind": it.kind, "line": it.line} for it in items], indent=1) + "\n"
        if not args.check and (not ITEMS_CACHE.exists() or ITEMS_CACHE.read_text(encoding="utf-8") != cache):
            ITEMS_CACHE.write_text(cache, encoding="utf-8")
    elif ITEMS_CACHE.exists():
        seed = Path("socket-module.rst")
        items = [Item(name=d["name"], kind=d["kind"], line=d["line"])
                 for d in json.loads(ITEMS_CACHE.read_text(encoding="utf-8"))]
    else:
        print("coverage: seed document not found (looked at " + ", ".join(map(str, candidates))
              + f") and no {ITEMS_CACHE}; pass --seed or set SOCKSIM_SEED", file=sys.stderr)
        return 2
    scenarios = load_scenarios(args.scenarios)
    compute(items, scenarios)
    label = "socket-module.rst" if seed.name == "socket-module.rst" else str(seed)
    text = render(items, scenarios, label)
    missing = [it.name for it in items if not it.scenarios and it.name not in NOT_APPLICABLE]

    if args.stdout:
        sys.stdout.write(text)
        return 0
    if args.check:
        ok = True
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
        if current != text:
            print(f"coverage: {args.output} is stale; run `{COMMAND}`", file=sys.stderr)
            ok = False
        if missing:
            print("coverage: items without a scenario: " + ", ".join(missing), file=sys.stderr)
            ok = False
        return 0 if ok else 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"coverage: wrote {args.output}: {len(items)} items, {len(scenarios)} scenarios, "
          f"{len(missing)} without a scenario")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
