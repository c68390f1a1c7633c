#!/usr/bin/python3
"""Sums cmocka's per-case counts from meson's testlog.json; prints "PASSED FAILED".

A test program that failed without a cmocka FAILED line (a crash, a sanitizer
report, a timeout) counts as one failure."""
import json
import re
import sys

passed = failed = 0
with open(sys.argv[1]) as f:
    for line in f:
        t = json.loads(line)
        out = (t.get("stdout") or "") + (t.get("stderr") or "")
        p = sum(int(m) for m in re.findall(r"\[  PASSED  \] (\d+) test", out))
        fl = sum(int(m) for m in re.findall(r"\[  FAILED  \] (\d+) test", out))
        if t.get("result") not in ("OK", "EXPECTEDFAIL") and fl == 0:
            fl = 1
        passed += p
        failed += fl
print(passed, failed)
