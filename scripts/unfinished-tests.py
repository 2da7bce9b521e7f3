#!/usr/bin/env python3
"""Lists the Swift Testing tests of a log that started and never passed or failed (for the
watchdog of scripts/test.sh). Usage: unfinished-tests.py LOG"""
import re
import sys

started, ended = [], set()
with open(sys.argv[1], encoding="utf-8", errors="replace") as log:
    for line in log:
        match = re.search(r'Test "(.*)" started\.', line)
        if match and "argument" not in line:
            started.append(match.group(1))
        match = re.search(r'Test "(.*?)" (?:with \d+ test cases? )?(?:passed|failed) after', line)
        if match:
            ended.add(match.group(1))
unfinished = [name for name in dict.fromkeys(started) if name not in ended]
for name in unfinished:
    print(f"  - {name}")
if not unfinished:
    print("  (none found in the log: the hang is outside a test, or the output was cut)")
