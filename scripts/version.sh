#!/bin/sh
# The version psatop reports, worked out at build time.
#
#   scripts/version.sh [PACKAGE_DIR]                  print it
#   scripts/version.sh --swift FILE [PACKAGE_DIR]     write it as Swift (the BuildVersion plugin),
#                                                     only when the text changes
#
# From a git checkout: `git describe --tags --always --dirty` (a tag, or the commit), after the
# CHANGELOG's version when no tag names it: "unreleased (5eac8d6)". Without git or a repository
# (a source tarball): the CHANGELOG's latest version alone.
set -u
swift_out=""
if [ "${1:-}" = "--swift" ]; then swift_out="$2"; shift 2; fi
dir="${1:-$(dirname "$0")/..}"

# The newest "## [x.y.z]" heading of CHANGELOG.md; "unreleased" when there is none yet.
changelog="unreleased"
if [ -r "$dir/CHANGELOG.md" ]; then
    v=$(sed -n 's/^## \[\([0-9][0-9A-Za-z.+-]*\)\].*/\1/p' "$dir/CHANGELOG.md" | head -n 1)
    [ -n "$v" ] && changelog="$v"
fi

version="$changelog"
if command -v git >/dev/null 2>&1 && git -C "$dir" rev-parse --git-dir >/dev/null 2>&1; then
    described=$(git -C "$dir" describe --tags --always --dirty 2>/dev/null || true)
    if [ -n "$described" ]; then
        if git -C "$dir" describe --tags >/dev/null 2>&1; then version="$described"
        else version="$changelog ($described)"; fi
    fi
fi
# Only characters a version has: nothing that could break out of a Swift string.
version=$(printf '%s' "$version" | tr -cd 'A-Za-z0-9.+_() -')
[ -n "$version" ] || version="unknown"

if [ -z "$swift_out" ]; then
    printf '%s\n' "$version"
    exit 0
fi
text="// Written by scripts/version.sh before each build (the BuildVersion plugin); not kept in git.
enum BuildInfo {
    /// What \`psatop --version\` prints after the name: git describe, else the CHANGELOG's version.
    static let version = \"$version\"
}"
mkdir -p "$(dirname "$swift_out")"
if [ -f "$swift_out" ] && [ "$(cat "$swift_out")" = "$text" ]; then exit 0; fi
printf '%s\n' "$text" > "$swift_out.tmp" && mv "$swift_out.tmp" "$swift_out"
