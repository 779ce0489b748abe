#!/usr/bin/env bash
# ui-bench of two builds, one run after the other, alternating (old, new, old, new, ...), and a
# table of the figures both print (their human lines, so an old build without BENCH lines can be
# compared), each cell listing the runs in order, with the goal beside it.
#
# usage: scripts/bench-side-by-side.sh OLD_UI_BENCH NEW_UI_BENCH [RUNS] [FRAMES]
#   e.g. build 9f0ed97's ui-bench in a worktree (release, the same flags), then
#   scripts/bench-side-by-side.sh /work/old/.build-release/release/ui-bench .build-release/release/ui-bench 2 2000
set -euo pipefail
old=$(realpath "$1"); new=$(realpath "$2"); runs=${3:-2}; frames=${4:-2000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$runs"); do
    (cd "$out" && "$old" "$frames" >"$out/old-$i.txt")
    (cd "$out" && "$new" "$frames" >"$out/new-$i.txt")
    echo "run $i done (load $(cut -d' ' -f1-3 /proc/loadavg))"
done
python3 - "$out" "$runs" <<'PY'
import re, sys
out, runs = sys.argv[1], int(sys.argv[2])
rows = [  # (label, BENCH name, else the human line's prefix and regex, goal)
    ("decode an Autotask page of 500 (+ display), ms", "ui.decode_autotask_500", "decode Autotask page of 500", r"median ([\d.]+)", "≤ 10"),
    ("decode an Atera page of 50 (+ display), ms", "ui.decode_atera_50", "decode Atera page of 50", r"median ([\d.]+)", "—"),
    ("filter, first key, ms", "ui.filter_first_key", "filter key over", r"median ([\d.]+) ms /", "≤ 15"),
    ("filter, Backspace, ms", "ui.filter_backspace", "filter key over .*widening", r"median ([\d.]+)", "≤ 15"),
    ("max RSS, dashboard state only, MB", "ui.rss", "max RSS with", r"loaded\s+([\d.]+) MB", "≤ 50"),
    ("render 200×60, median ms", "ui.render_median", "render 200", r"median ([\d.]+)", "≤ 0.8"),
    ("sort by title, ms", "ui.sort_title", "sort ", r"/ ([\d.]+) ms$", "≤ 25"),
    ("sort by activity, ms", "ui.sort_activity", "sort ", r"median ([\d.]+) ms /", "≤ 25"),
    ("slowest sort (any column), ms", "ui.sort_slowest", "slowest sort", r"median ([\d.]+)", "≤ 25"),
]
def figure(text, bench, prefix, rx):
    # The machine-readable line where the build prints one (more digits), else the human line.
    for line in text.splitlines():
        p = line.split()
        if len(p) >= 3 and p[0] == "BENCH" and p[1] == bench:
            return "%.3g" % float(p[2]) if float(p[2]) < 100 else "%.0f" % float(p[2])
    for line in text.splitlines():
        if re.match(prefix, line) and not (prefix == "filter key over" and "widening" in line):
            m = re.search(rx, line.strip())
            if m: return m.group(1)
    return None
print("| figure (100,000 tickets loaded) | old | new | goal |")
print("|---|---|---|---|")
for label, bench, prefix, rx, goal in rows:
    cells = []
    for side in ("old", "new"):
        vals = [figure(open(f"{out}/{side}-{i}.txt").read(), bench, prefix, rx) for i in range(1, runs + 1)]
        cells.append(" / ".join(v for v in vals if v) or "—")
    print(f"| {label} | {cells[0]} | {cells[1]} | {goal} |")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
