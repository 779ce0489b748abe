#!/bin/sh
# The version psatop reports, worked out at build time (semantic versioning, https://semver.org).
#
#   scripts/version.sh [PACKAGE_DIR]                  print it
#   scripts/version.sh --swift FILE [PACKAGE_DIR]     write it as Swift (the BuildVersion plugin),
#                                                     only when the text changes
#
# X.Y.Z is the CHANGELOG's newest numbered release ("## [X.Y.Z] - date"; 0.0.0 before the first).
#   X.Y.Z                      a release build: the checkout is the commit tagged vX.Y.Z, with no
#                              change to a tracked file; or no git checkout at all (a source
#                              tarball), where the CHANGELOG is all there is
#   X.Y.Z-dev+COMMIT[.dirty]   any other build: COMMIT is the short hash, .dirty when a tracked
#                              file differs from it
set -u
swift_out=""
if [ "${1:-}" = "--swift" ]; then swift_out="$2"; shift 2; fi
dir="${1:-$(dirname "$0")/..}"

release="0.0.0"
if [ -r "$dir/CHANGELOG.md" ]; then
    v=$(sed -n 's/^## \[\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\)\].*/\1/p' "$dir/CHANGELOG.md" | head -n 1)
    [ -n "$v" ] && release="$v"
fi

version="$release"
if command -v git >/dev/null 2>&1 && git -C "$dir" rev-parse --git-dir >/dev/null 2>&1; then
    commit=$(git -C "$dir" rev-parse --short=7 HEAD 2>/dev/null || true)
    dirty=""
    # Contents, not dates: a file only touched is not a change (and nothing is written to .git).
    git -C "$dir" diff --no-ext-diff --quiet HEAD -- 2>/dev/null || dirty=".dirty"
    tagged=""
    if [ -n "$commit" ] && [ -z "$dirty" ]; then
        tag_commit=$(git -C "$dir" rev-parse --short=7 "refs/tags/v$release^{commit}" 2>/dev/null || true)
        [ "$tag_commit" = "$commit" ] && tagged=yes
    fi
    if [ -n "$commit" ] && [ -z "$tagged" ]; then version="$release-dev+$commit$dirty"; fi
fi
# Only characters a version has: nothing that could break out of a Swift string.
version=$(printf '%s' "$version" | tr -cd 'A-Za-z0-9.+-')
[ -n "$version" ] || version="0.0.0"

if [ -z "$swift_out" ]; then
    printf '%s\n' "$version"
    exit 0
fi
text="// Written by scripts/version.sh before each build (the BuildVersion plugin); not kept in git.
enum BuildInfo {
    /// What \`psatop --version\` prints after the name: X.Y.Z for a release, else X.Y.Z-dev+COMMIT[.dirty].
    static let version = \"$version\"
}"
mkdir -p "$(dirname "$swift_out")"
if [ -f "$swift_out" ] && [ "$(cat "$swift_out")" = "$text" ]; then exit 0; fi
printf '%s\n' "$text" > "$swift_out.tmp" && mv "$swift_out.tmp" "$swift_out"
