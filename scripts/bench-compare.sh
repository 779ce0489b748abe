#!/usr/bin/env bash
# Runs the benchmarks (release) and prints each figure beside its baseline
# (Benchmarks/baseline.json) with the ratio. Informational: it never fails on a figure (the
# work-pinning tests, `swift test --filter WorkTests`, are what fail).
#
# usage: scripts/bench-compare.sh [--ui-only] [--no-build] [--scratch-path DIR] [--frames N]
#   --ui-only        only ui-bench (what .ci/run does)
#   --no-build       use binaries already built in the scratch path
#   --scratch-path   the build folder (default .build; .ci/run shares the install check's)
#   Extra flags for the release build go in BENCH_BUILD_FLAGS (e.g. --static-swift-stdlib).
#   The benches' own arguments: UI_BENCH_ARGS (default 2000 frames), CLIENT_BENCH_ARGS
#   (default "10 10"), POLL_BENCH_ARGS (default "240 2"), HISTORY_BENCH_ARGS (default 35 days).
set -euo pipefail
cd "$(dirname "$0")/.."
ui_only=0; build=1; scratch=.build
while [ $# -gt 0 ]; do
    case $1 in
        --ui-only) ui_only=1 ;;
        --no-build) build=0 ;;
        --scratch-path) scratch=$2; shift ;;
        --frames) UI_BENCH_ARGS=$2; shift ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done
products=(ui-bench)
[ "$ui_only" -eq 1 ] || products+=(client-bench poll-bench history-bench)
# shellcheck disable=SC2206
flags=(${BENCH_BUILD_FLAGS:-})
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for p in "${products[@]}"; do
    if [ "$build" -eq 1 ]; then
        swift build -c release "${flags[@]}" --product "$p" --scratch-path "$scratch" 2>&1 | grep -vE "^\[[0-9]+/[0-9]+\]" | tail -3
    fi
    bin="$scratch/release/$p"
    [ -x "$bin" ] || { echo "no $bin (build it, or leave out --no-build)"; continue; }
    case $p in
        ui-bench) args=${UI_BENCH_ARGS:-2000} ;;
        client-bench) args=${CLIENT_BENCH_ARGS:-"10 10"} ;;
        poll-bench) args=${POLL_BENCH_ARGS:-"240 2"} ;;
        history-bench) args=${HISTORY_BENCH_ARGS:-35} ;;
    esac
    echo "== $p $args"
    # shellcheck disable=SC2086
    "$bin" $args | tee -a "$out" | grep -v '^BENCH ' || true
done
echo "== figures beside the baseline (Benchmarks/baseline.json; ratio = now / baseline)"
python3 - "$out" Benchmarks/baseline.json <<'PY'
import json, sys
now = {}
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) >= 3 and p[0] == "BENCH":
        now[p[1]] = (float(p[2]), p[3] if len(p) > 3 else "")
base = json.load(open(sys.argv[2]))
m = base.get("machine", {})
print("baseline taken %s on %s (%s)" % (base.get("taken", "?"), m.get("cpu", "?"), m.get("note", "")))
figs = base.get("figures", {})
print("%-42s %12s %12s %8s  %s" % ("figure", "now", "baseline", "ratio", ""))
for name in sorted(set(now) | set(figs)):
    b = figs.get(name, {})
    v, unit = now.get(name, (None, b.get("unit", "")))
    bv = b.get("value")
    ratio = "%.2f" % (v / bv) if v is not None and bv not in (None, 0) else "-"
    note = ""
    if v is not None and bv not in (None, 0):
        lower = b.get("better", "lower") == "lower"
        worse = v / bv if lower else bv / v if v else float("inf")
        if worse > 1.25:
            note = "WORSE than the baseline"
    if v is not None and "goal" in b:
        lower = b.get("better", "lower") == "lower"
        met = v <= b["goal"] if lower else v >= b["goal"]
        note = (note + "; " if note else "") + ("goal %g met" % b["goal"] if met else "goal %g NOT met" % b["goal"])
    fmt = lambda x: "-" if x is None else ("%.3f" % x)
    print("%-42s %12s %12s %8s  %s %s" % (name, fmt(v), fmt(bv), ratio, unit, note))
PY
