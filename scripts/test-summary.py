#!/usr/bin/env python3
"""Prints the end of a test run from its CTRF reports (xunit's --report-xunit-ctrf): the totals, the slowest tests,
and each failed test with its message and the top of its stack trace, so that the last lines of a long log (all that
a CI page may keep) name what failed.

Usage: test-summary.py RESULTS_DIRECTORY"""
import glob
import json
import os
import sys

SLOWEST = 8
TRACE_LINES = 12


def main(directory: str) -> None:
    tests = []
    for path in sorted(glob.glob(os.path.join(directory, "**", "*.ctrf"), recursive=True)):
        with open(path, encoding="utf-8") as report:
            tests.extend(json.load(report)["results"]["tests"])
    if not tests:
        print(f"No test reports in {directory}.")
        return
    by_status = {}
    for test in tests:
        by_status[test["status"]] = by_status.get(test["status"], 0) + 1
    print("== Test summary: " + ", ".join(f"{count} {status}" for status, count in sorted(by_status.items())))
    print(f"Slowest {SLOWEST}:")
    for test in sorted(tests, key=lambda t: t.get("duration", 0), reverse=True)[:SLOWEST]:
        print(f"  {test.get('duration', 0) / 1000:7.1f} s  {test['name']}")
    failed = [t for t in tests if t["status"] == "failed"]
    for test in failed:
        print(f"FAILED {test['name']} ({test.get('duration', 0) / 1000:.1f} s)")
        for line in (test.get("message") or "").splitlines():
            print(f"  {line}")
        for line in (test.get("trace") or "").splitlines()[:TRACE_LINES]:
            print(f"    {line.strip()}")


if __name__ == "__main__":
    main(sys.argv[1])
