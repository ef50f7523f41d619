#!/usr/bin/env python3
"""Prints the table of a bench_socksim run from its Google Benchmark JSON files.

    table.py RESULT.json [MORE.json ...]

Rows: workload, sim, real, sim/real, the limit where one applies, the target of the benchmark
issue and whether the run meets it. Figures are taken as measured (wall time, counters); a
figure that was not measured (no sim in the build, a size the descriptor limit left out, an
error) is shown as such and its target as "n/a".
"""

import json
import re
import sys

SUFFIX = re.compile(r"^(real_time|iterations:\d+|min_time:[\d.]+s?|repeats:\d+|threads:\d+)$")
UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def base_name(name):
    """'pingpong/sim/min_time:1.000/real_time' -> 'pingpong/sim'."""
    return "/".join(p for p in name.split("/") if not SUFFIX.match(p))


def load(paths):
    """Benchmark name -> its run; with repetitions, the fastest one (the least disturbed by the
    rest of the machine: interference only ever adds time), with the least CPU time of them all
    as "best_cpu_time"."""
    runs, context = {}, {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        context = context or data.get("context", {})
        for b in data.get("benchmarks", []):
            if b.get("run_type") == "aggregate":
                continue
            name = base_name(b["name"])
            old = runs.get(name)
            if old is not None and not b.get("error_occurred") and not old.get("error_occurred"):
                best_cpu = min(old["best_cpu_time"], b["cpu_time"])
                if b["real_time"] < old["real_time"]:
                    runs[name] = b
                runs[name]["best_cpu_time"] = best_cpu
            elif old is None or not old.get("error_occurred"):
                runs[name] = b
                if "cpu_time" in b:
                    b["best_cpu_time"] = b["cpu_time"]
    return runs, context


def si(value, unit=""):
    for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g}{prefix}{unit}"
    return f"{value:.3g}{unit}"


def duration(ns):
    for factor, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "us")):
        if ns >= factor:
            return f"{ns / factor:.3g} {unit}"
    return f"{ns:.3g} ns"


class Table:
    def __init__(self, runs):
        self.runs = runs
        self.rows = []
        self.verdicts = []

    def get(self, name):
        b = self.runs.get(name)
        if b is None or b.get("error_occurred"):
            return None
        return b

    def counter(self, name, key):
        b = self.get(name)
        return None if b is None or key not in b else float(b[key])

    def time_ns(self, name):
        """Wall time of one iteration, in ns."""
        b = self.get(name)
        return None if b is None else float(b["real_time"]) * UNIT_NS[b.get("time_unit", "ns")]

    def cpu_ns(self, name):
        """CPU time of the calling thread per iteration, in ns: all the work of a sim workload
        (its tasks are fibers of that thread), whatever else the machine is running."""
        b = self.get(name)
        return None if b is None else float(b["best_cpu_time"]) * UNIT_NS[b.get("time_unit", "ns")]

    def missing(self, name):
        b = self.runs.get(name)
        if b is None:
            return "not measured"
        return "error: " + b.get("error_message", "?")

    def cell(self, name, value, fmt):
        return fmt(value) if value is not None else self.missing(name)

    def row(self, workload, sim="", real="", ratio="", limit="", target="", ok=None):
        result = "n/a" if ok is None else ("pass" if ok else "FAIL")
        if target == "":
            result = ""
        self.rows.append([workload, sim, real, ratio, limit, target, result])
        if target:
            self.verdicts.append(result)

    def print(self):
        header = ["workload", "sim", "real", "sim/real", "limit", "target", "result"]
        widths = [max(len(str(r[i])) for r in self.rows + [header]) for i in range(len(header))]
        line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
        print(line)
        print("-" * len(line))
        for r in self.rows:
            print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


def ratio_text(a, b):
    return f"{a / b:.3g}x" if a is not None and b else ""


def build(runs, fd_limit=None):
    t = Table(runs)

    # ping-pong and the real backend's overhead over raw POSIX.
    sim = t.counter("pingpong/sim", "round_trips/s")
    real = t.counter("pingpong/real", "round_trips/s")
    raw = t.counter("pingpong/raw_posix", "round_trips/s")
    t.row("ping-pong 64 B (round trips/s)", t.cell("pingpong/sim", sim, si), t.cell("pingpong/real", real, si),
          ratio_text(sim, real), "raw POSIX " + t.cell("pingpong/raw_posix", raw, si), "sim >= 100x real",
          None if sim is None or real is None else sim >= 100 * real)
    notrace = t.counter("pingpong/sim_notrace", "round_trips/s")
    t.row("ping-pong, sim with its trace off", t.cell("pingpong/sim_notrace", notrace, si),
          t.cell("pingpong/real", real, si), ratio_text(notrace, real), "", "sim >= 100x real",
          None if notrace is None or real is None else notrace >= 100 * real)
    real_ns, raw_ns = t.time_ns("pingpong/real"), t.time_ns("pingpong/raw_posix")
    t.row("ping-pong: real backend vs raw POSIX (time/round trip)", "",
          t.cell("pingpong/real", real_ns, duration), "", "raw POSIX " + t.cell("pingpong/raw_posix", raw_ns, duration),
          "real <= 1.10x raw", None if real_ns is None or raw_ns is None else real_ns <= 1.10 * raw_ns)

    sim = t.counter("churn/sim", "cycles/s")
    real = t.counter("churn/real", "cycles/s")
    t.row("churn connect/accept/close (cycles/s)", t.cell("churn/sim", sim, si), t.cell("churn/real", real, si),
          ratio_text(sim, real), "", "sim >= 50x real", None if sim is None or real is None else sim >= 50 * real)
    notrace = t.counter("churn/sim_notrace", "cycles/s")
    t.row("churn, sim with its trace off", t.cell("churn/sim_notrace", notrace, si), t.cell("churn/real", real, si),
          ratio_text(notrace, real), "", "sim >= 50x real",
          None if notrace is None or real is None else notrace >= 50 * real)

    sim = t.counter("bulk/sim", "bytes/s")
    real = t.counter("bulk/real", "bytes/s")
    mem = t.counter("bulk/memcpy", "bytes/s")
    gbs = lambda v: f"{v / 1e9:.3g} GB/s"
    t.row("bulk one way (bytes/s)", t.cell("bulk/sim", sim, gbs), t.cell("bulk/real", real, gbs), ratio_text(sim, real),
          "memcpy " + t.cell("bulk/memcpy", mem, gbs), "sim >= 1/3 memcpy",
          None if sim is None or mem is None else sim >= mem / 3)

    sim = t.counter("udp/sim", "datagrams/s")
    real = t.counter("udp/real", "datagrams/s")
    t.row("UDP 64 B echo (datagrams/s)", t.cell("udp/sim", sim, si), t.cell("udp/real", real, si), ratio_text(sim, real))

    timeout_names = sorted(n for n in runs if n.startswith("timeouts/"))
    if not timeout_names:
        t.row("timeouts: recv x 30 s", "not measured", "n/a (sim only)", "", "", "10000 x 30 s: < 50 ms wall", None)
    for name in timeout_names:
        wall, cpu = t.time_ns(name), t.cpu_ns(name)
        vpw = t.counter(name, "virtual_per_wall")
        calls = t.counter(name, "calls")
        last = name.rsplit("/", 1)[-1]
        length = "1 ms" if last.endswith("_1ms") else "30 s"
        label = "timeouts, one task" if last.startswith("serial") else f"timeouts, {last.split('_')[1]} tasks"
        sim_text = t.cell(name, wall, duration)
        if wall is not None:
            sim_text += f" wall, {duration(cpu)} CPU; virtual time {si(vpw)}x wall"
        target, ok = "", None
        if name.endswith("/serial"):
            target = "10000 x 30 s: < 50 ms wall"
            ok = None if wall is None or calls != 10000 else wall < 50e6
        calls_text = f"{calls:.0f}" if calls else "?"
        t.row(f"{label}: recv x {length} ({calls_text} calls)", sim_text,
              "n/a (sim only)", "", "", target, ok)

    # Sim-only comparisons use CPU time: one thread does all of a sim workload's work, and its
    # CPU time does not count the time the machine gave to other processes.
    sw, fiber = t.cpu_ns("switch/sim"), t.cpu_ns("switch/boost_context")
    # Two switches per iteration in both.
    t.row("task switch, CPU time (sleep(0) between two tasks)", t.cell("switch/sim", sw / 2 if sw else None, duration),
          "n/a", "", "Boost.Context " + t.cell("switch/boost_context", fiber / 2 if fiber else None, duration))

    off = t.cpu_ns("pingpong/sim_notrace")
    # The target is checked for both ways of keeping the trace: as its hash (what every run does
    # by default, and what a determinism check compares) and with its lines written out.
    for name, label, target in (("pingpong/sim", "trace as a hash (the default)", "trace on costs <= 25%"),
                                ("pingpong/sim_trace", "trace lines written", "trace on costs <= 25%")):
        on = t.cpu_ns(name)
        t.row(f"{label} vs trace off, CPU time (sim ping-pong)",
              f"{(on / off - 1) * 100:+.1f}%" if on and off else t.missing(name if not on else "pingpong/sim_notrace"),
              "n/a", "", "", target, None if not on or not off else on <= 1.25 * off)

    # Scale rows follow the sim's sizes; real stands beside the nearest size its descriptor limit
    # allowed (its largest, when within 10% below the sim's N), and has rows of its own otherwise.
    scale_sizes = lambda backend: sorted(int(n.rsplit("/", 1)[1]) for n in runs if n.startswith(f"scale/{backend}/"))
    sim_sizes, real_sizes = scale_sizes("sim"), scale_sizes("real")
    pairs, used = [], set()
    for n in sim_sizes:
        near = [r for r in real_sizes if 0.9 * n <= r <= n]
        pairs.append((n, near[-1] if near else None))
        used.update(near[-1:])
    pairs += [(None, r) for r in real_sizes if r not in used]
    pairs.sort(key=lambda p: p[0] if p[0] is not None else p[1])
    for sn, rn in pairs:
        n = sn if sn is not None else rn
        s_name, r_name = f"scale/sim/{sn}", f"scale/real/{rn}"
        note = f" (N={rn})" if rn is not None and sn is not None and rn != sn else ""
        sim, real = t.counter(s_name, "round_trips/s"), t.counter(r_name, "round_trips/s")
        real_text = t.cell(r_name, real, si) + (note if real is not None else "")
        if rn is None and fd_limit and 2 * n + 64 > fd_limit:
            real_text = f"n/a (RLIMIT_NOFILE {fd_limit})"
        t.row(f"scale N={n}: ping-pong among N (round trips/s)", t.cell(s_name, sim, si), real_text,
              ratio_text(sim, real))
        cpu = t.cpu_ns(s_name)
        t.row(f"scale N={n}: sim CPU time per round trip; setup wall time per connection",
              t.cell(s_name, cpu, duration) + "; " + t.cell(s_name, t.counter(s_name, "setup_us_per_conn"),
                                                          lambda v: duration(v * 1e3)),
              ("" if rn is None else "-; " + t.cell(r_name, t.counter(r_name, "setup_us_per_conn"),
                                                     lambda v: duration(v * 1e3))))
        sb, rb = t.counter(s_name, "bytes_per_conn"), t.counter(r_name, "bytes_per_conn")
        sm, rm = t.counter(s_name, "rss_mib"), t.counter(r_name, "rss_mib")
        mib = lambda v: f", RSS {v:.0f} MiB"
        real_text = t.cell(r_name, rb, lambda v: f"{v:.0f} B") + (mib(rm) if rm is not None else "")
        if rn is None and fd_limit and 2 * n + 64 > fd_limit:
            real_text = "n/a"
        t.row(f"scale N={n}: RSS growth per connection (real: user space only)",
              t.cell(s_name, sb, lambda v: f"{v:.0f} B") + (mib(sm) if sm is not None else ""), real_text)
    sizes = sim_sizes
    if sizes:
        big = f"scale/sim/{max(sizes)}"
        rss = t.counter(big, "rss_mib")
        t.row(f"scale: RSS with {max(sizes)} sim connections", t.cell(big, rss, lambda v: f"{v:.0f} MiB"), "", "", "",
              "100000 in <= 512 MiB", None if rss is None or max(sizes) < 100000 else rss <= 512)
        lo, hi = t.cpu_ns(f"scale/sim/{min(sizes)}"), t.cpu_ns(big)
        t.row(f"scale: sim ping-pong CPU time, N={max(sizes)} vs N={min(sizes)} (all N in turn)",
              f"{(hi / lo - 1) * 100:+.1f}%" if lo and hi else "not measured", "", "", "",
              "within +-20% up to 100000",
              None if not lo or not hi or max(sizes) < 100000 else 0.8 <= hi / lo <= 1.2)
    # Ten connections active among the N: the bookkeeping's growth without the cache misses of
    # touching every connection in turn.
    active = sorted(int(n.rsplit("/", 1)[1]) for n in runs if n.startswith("scale_active10/sim/"))
    for n in active:
        name = f"scale_active10/sim/{n}"
        t.row(f"scale N={n}, 10 of them active: sim CPU time per round trip", t.cell(name, t.cpu_ns(name), duration))
    if active:
        lo, hi = t.cpu_ns(f"scale_active10/sim/{min(active)}"), t.cpu_ns(f"scale_active10/sim/{max(active)}")
        t.row(f"scale: sim ping-pong CPU time, N={max(active)} vs N={min(active)} (10 active)",
              f"{(hi / lo - 1) * 100:+.1f}%" if lo and hi else "not measured", "", "", "",
              "within +-20% up to 100000",
              None if not lo or not hi or max(active) < 100000 else 0.8 <= hi / lo <= 1.2)
    return t


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    runs, context = load(argv[1:])
    try:
        fd_limit = int(context.get("fd_limit", ""))
    except ValueError:
        fd_limit = None
    t = build(runs, fd_limit)
    load_avg = context.get("load_avg", [])
    cpus = context.get("num_cpus", "?")
    print(f"socksim benchmarks: {context.get('socksim_profile', '?')} profile, {cpus} CPUs at "
          f"{context.get('mhz_per_cpu', '?')} MHz, load average at start "
          f"{', '.join(f'{x:.2f}' for x in load_avg) or '?'}; {context.get('date', '')}")
    if context.get("socksim_tree"):
        print(f"tree: {context['socksim_tree']}")
    if load_avg and isinstance(cpus, int) and load_avg[0] > cpus:
        print("note: the machine was busy (load average above its CPU count): wall times are inflated.")
    if context.get("socksim_profile") == "smoke":
        print("note: a smoke run (one iteration of each workload at a tiny size) checks that the workloads run;"
              " its figures and verdicts mean nothing.")
    print()
    t.print()
    passed = sum(v == "pass" for v in t.verdicts)
    failed = sum(v == "FAIL" for v in t.verdicts)
    print(f"\ntargets: {passed} pass, {failed} fail, {len(t.verdicts) - passed - failed} not measured")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
