"""Checks that every ```cpp block of a section of a Markdown file is compiled code: each block
must appear, line for line, in one of the given source files.

usage: check_doc_snippets.py DOC SECTION_HEADING SOURCE...
"""
import re
import sys


def section(text, heading):
    start = text.find("\n" + heading + "\n")
    if start < 0:
        sys.exit(f"no section {heading!r}")
    level = heading.split(" ")[0]
    rest = text[start + len(heading) + 2:]
    end = re.search(r"^" + re.escape(level) + r" ", rest, re.M)
    return rest[: end.start()] if end else rest


def main():
    doc, heading, *sources = sys.argv[1:]
    text = section(open(doc, encoding="utf-8").read(), heading)
    code = [open(s, encoding="utf-8").read() for s in sources]
    blocks = re.findall(r"^```cpp\n(.*?)^```", text, re.M | re.S)
    if not blocks:
        sys.exit(f"no cpp blocks in {heading!r}")
    bad = [b for b in blocks if not any(b in c for c in code)]
    for b in bad:
        print("not in any source:\n" + b)
    print(f"{len(blocks) - len(bad)} of {len(blocks)} cpp blocks found in the sources")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
