#!/usr/bin/env python3
"""Prints the failures of a Swift Testing log with their messages: each ✘ line and the ↳ lines
(the issue's comment, e.g. what a test saw) that follow it. Prints nothing when none failed.

Usage: test-failures.py LOG [MAX_LINES]
"""
import sys

limit = int(sys.argv[2]) if len(sys.argv) > 2 else 120
out = []
keep = False
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    line = line.rstrip("\n")
    if line.startswith("✘"):
        keep = True
        out.append(line)
    elif line.startswith("↳") and keep:
        out.append("  " + line)
    else:
        keep = False
for line in out[:limit]:
    print(line[:2000])
if len(out) > limit:
    print(f"… and {len(out) - limit} more lines")
