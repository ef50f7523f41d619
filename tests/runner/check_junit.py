"""Checks the socksim command's JUnit XML with a real XML parser (xml.etree).

usage: check_junit.py SOCKSIM SCENARIO_DIR
Runs `SOCKSIM run --backend real --format junit SCENARIO_DIR` and checks the document's shape
against the scenarios in tests/runner/junit/: one passes, one fails, one lists the sim only.
"""
import subprocess
import sys
import xml.etree.ElementTree as ET


def main():
    socksim, folder = sys.argv[1], sys.argv[2]
    run = subprocess.run([socksim, "run", "--backend", "real", "--format", "junit", folder],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, f"exit status {run.returncode}, stderr: {run.stderr}"
    root = ET.fromstring(run.stdout)
    assert root.tag == "testsuites", root.tag
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["real"], [s.get("name") for s in suites]
    real = suites[0]
    cases = {c.get("name"): c for c in real.findall("testcase")}
    assert set(cases) == {"junit-pass", "junit-fail", "junit-sim-only"}, set(cases)
    assert cases["junit-pass"].find("failure") is None and cases["junit-pass"].find("skipped") is None
    failure = cases["junit-fail"].find("failure")
    assert failure is not None, "the failing scenario has no <failure>"
    assert "step 2 (recv)" in failure.text, failure.text
    assert "expected \"pong\", got \"ping\"" in failure.get("message"), failure.get("message")
    assert cases["junit-sim-only"].find("skipped") is not None
    for element in [root, real]:
        assert int(element.get("tests")) == 3, element.attrib
        assert int(element.get("failures")) == 1, element.attrib
        assert int(element.get("skipped")) == 1, element.attrib
        assert int(element.get("errors")) == 0, element.attrib
        float(element.get("time"))
    for case in cases.values():
        assert case.get("classname") == "socksim.real"
        float(case.get("time"))
    print("JUnit report OK: 3 testcases, 1 failure, 1 skipped")


if __name__ == "__main__":
    main()
