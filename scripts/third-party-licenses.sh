#!/usr/bin/env bash
# Prints the licence and NOTICE texts of what the psatop binary is built from besides its own
# source: each Swift package the build checked out (SCRATCH/checkouts, with its version and
# address), the C++ library vendored inside TOMLKit (toml++), and the Swift runtime and Foundation
# that --static-swift-stdlib links in (the toolchain's LICENSE.txt). Each distinct licence text is
# printed once, after the list of packages under it; every NOTICE is printed (Apache-2.0 §4(d)).
#
# With --debian (for a Debian copyright file), the Apache License 2.0's own text is named by its
# place on Debian systems instead of printed; what a package adds after it (an exception) stays.
#
# Usage: scripts/third-party-licenses.sh [--debian] SCRATCH_PATH   (e.g. .build-release, after a build)
set -euo pipefail
debian=0
if [ "${1:-}" = "--debian" ]; then debian=1; shift; fi
scratch="${1:?usage: third-party-licenses.sh [--debian] SCRATCH_PATH}"
[ -d "$scratch/checkouts" ] || { echo "third-party-licenses.sh: no $scratch/checkouts (build first)" >&2; exit 1; }
export LC_ALL=C
tmp="$(mktemp -d)"; trap 'rm -rf -- "$tmp"' EXIT
: > "$tmp/index"   # "HASH<TAB>name version address" a line
# "name<TAB>version (address)" of each checked-out package, from SwiftPM's record of the checkouts.
# A failure here is an error, not a list without versions (two runs must print the same).
python3 - "$scratch/workspace-state.json" > "$tmp/refs" <<'PY' || { echo "third-party-licenses.sh: cannot read $scratch/workspace-state.json" >&2; exit 1; }
import json, sys
for dep in json.load(open(sys.argv[1]))["object"]["dependencies"]:
    ref, state = dep["packageRef"], dep.get("state", {}).get("checkoutState", {})
    name = ref["location"].rstrip("/").split("/")[-1].removesuffix(".git")
    print(f"{name}\t{state.get('version') or state.get('revision', '?')[:12]} ({ref['location']})")
PY

add() { # add NAME DESCRIPTION LICENCE-FILE
    local h; h="$(sha256sum < "$3" | cut -c1-16)"
    [ -f "$tmp/$h" ] || cp "$3" "$tmp/$h"
    printf '%s\t%s\n' "$h" "$2" >> "$tmp/index"
}
for dir in "$scratch"/checkouts/*/; do
    dir="${dir%/}"; name="$(basename "$dir")"
    lic="$(find "$dir" -maxdepth 1 -type f \( -iname 'LICENSE*' -o -iname 'COPYING*' \) | sort | head -1)"
    [ -n "$lic" ] || { echo "third-party-licenses.sh: $name has no LICENSE file" >&2; exit 1; }
    add "$name" "$name $(grep -P "^\Q$name\E\t" "$tmp/refs" | cut -f2- || true)" "$lic"
    notice="$(find "$dir" -maxdepth 1 -type f -iname 'NOTICE*' | sort | head -1)"
    [ -z "$notice" ] || cp "$notice" "$tmp/notice.$name"
done
# toml++, vendored in TOMLKit's CTOML target: its MIT licence is in the header's comment.
hpp="$scratch/checkouts/TOMLKit/Sources/CTOML/Sources/toml.hpp"
if [ -f "$hpp" ]; then
    sed -n '/^\/\/ MIT License/,/SOFTWARE\.$/p' "$hpp" | sed -n '1,/SOFTWARE\.$/p' | sed -E 's#^// ?##' > "$tmp/tomlpp"
    [ -s "$tmp/tomlpp" ] && add toml++ "toml++ $(sed -n 's#^// toml++ \(v[0-9.]*\).*#\1#p' "$hpp" | head -1) (https://github.com/marzer/tomlplusplus, inside TOMLKit)" "$tmp/tomlpp"
fi
# The Swift runtime, Foundation and their libraries, linked in by --static-swift-stdlib.
swiftc="$(command -v swift || true)"
if [ -n "$swiftc" ]; then
    runtime="$(dirname "$(dirname "$(readlink -f "$swiftc")")")/share/swift/LICENSE.txt"
    # Only the version number, wherever the driver prints it: a warning line before it (a cache
    # folder it cannot write, under another TMPDIR or HOME) must not change the text.
    sv="$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9.]*\).*/\1/p' | head -1 || true)"
    [ -n "$sv" ] || { echo "third-party-licenses.sh: swift --version printed no version" >&2; exit 1; }
    [ -f "$runtime" ] && add swift "the Swift runtime and Foundation (Swift version $sv, https://swift.org)" "$runtime"
fi

echo "Third-party software in the psatop binary"
echo "========================================="
echo
echo "psatop itself is under the Apache License 2.0 (LICENSE). Its binary also contains the"
echo "software below, each under the licence whose text follows its list."
for h in $(cut -f1 "$tmp/index" | awk '!seen[$0]++'); do
    echo
    echo "----------------------------------------------------------------------------------------"
    grep "^$h" "$tmp/index" | cut -f2 | sed 's/^/* /'
    echo "----------------------------------------------------------------------------------------"
    echo
    if [ "$debian" -eq 1 ] && grep -q "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" "$tmp/$h"; then
        echo "The Apache License, Version 2.0: on Debian systems in /usr/share/common-licenses/Apache-2.0."
        # Whatever follows the licence's appendix ("limitations under the License."), e.g. the
        # Swift runtime's Runtime Library Exception.
        awk 'after { print } /limitations under the License\./ { after = 1 }' "$tmp/$h"
    else
        cat "$tmp/$h"
    fi
done
for n in "$tmp"/notice.*; do
    [ -e "$n" ] || continue
    echo
    echo "----------------------------------------------------------------------------------------"
    echo "NOTICE of ${n##*/notice.}"
    echo "----------------------------------------------------------------------------------------"
    echo
    cat "$n"
done
