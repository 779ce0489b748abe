#!/usr/bin/env python3
"""Lists the Swift Testing tests a log shows as started but never finished (a hung run's suspects).

Usage: unfinished-tests.py LOG
"""
import collections
import re
import sys

started = collections.Counter()
ended = collections.Counter()
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.match(r'^◇ (Test|Suite) (".*?"|\S+) started\.', line)
    if m:
        started[m.group(1), m.group(2)] += 1
        continue
    m = re.match(r'^[✔✘] (Test|Suite) (".*?"|\S+) .*(passed|failed)', line)
    if m:
        ended[m.group(1), m.group(2)] += 1
left = [(kind, name) for (kind, name), n in started.items() if n > ended[kind, name] and name != "run"]
left.sort(key=lambda k: k[0] != "Test")  # the tests first, then their suites
for kind, name in left:
    print(f"  {kind.lower()} {name}")
if not left:
    print("  (none: the run hung outside a test, or before the first one started)")
