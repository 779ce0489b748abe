#!/usr/bin/env bash
# Source checks CI runs before building (issue 15 keeps them):
#  - no file in Sources/ over 400 lines (split by idea before it grows past that);
#  - no vendor-name comparison in Sources/: a difference between vendors is a property of
#    `Vendor` or an exhaustive switch over it (reading a name goes through `Vendor(rawValue:)`);
#  - formatting: swift-format with the repository's .swift-format, when that file exists.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0

limit=400
while IFS= read -r f; do
    n=$(wc -l <"$f")
    if [ "$n" -gt "$limit" ]; then
        echo "too long: $f has $n lines (at most $limit: split it by idea)"
        fail=1
    fi
done < <(find Sources -name '*.swift' | sort)

names='autotask|atera|halo|halopsa|connectwise'
hits=$(grep -rniE "([=!]=[[:space:]]*\"($names)\"|\"($names)\"[[:space:]]*[=!]=|case[[:space:]]+\"($names)\")" Sources \
    --include='*.swift' || true)
if [ -n "$hits" ]; then
    echo "vendor-name comparisons (declare the difference on Vendor instead):"
    echo "$hits"
    fail=1
fi

if [ -f .swift-format ]; then
    if ! out=$(swift format lint --strict --recursive --parallel Sources Tests Benchmarks Plugins Package.swift 2>&1); then
        echo "formatting (swift format format -i -r Sources Tests Benchmarks Plugins Package.swift fixes most):"
        echo "$out" | head -40
        echo "($(echo "$out" | grep -c 'warning\|error') findings)"
        fail=1
    fi
fi

[ "$fail" -eq 0 ] && echo "source checks: ok"
exit "$fail"
