#!/usr/bin/env bash
# Builds psatop with the Swift runtime linked in and installs it under a prefix:
#
#   bin/psatop                                       the binary (stripped; needs no Swift toolchain)
#   share/psatop/themes/*.toml                       the themes (found relative to the binary)
#   share/man/man1/psatop.1                          the manual page
#   share/bash-completion/completions/psatop         completions for bash,
#   share/zsh/site-functions/_psatop                 zsh
#   share/fish/vendor_completions.d/psatop.fish      and fish
#   share/psatop/install-manifest                    what was installed, for --uninstall
#
# Usage: scripts/install.sh [--prefix DIR] [--scratch-path DIR]    install or upgrade (default prefix ~/.local)
#        scripts/install.sh [--prefix DIR] --uninstall             remove exactly what the manifest lists
#
# Each file goes in through a temporary file and a rename, so a running psatop keeps its old
# binary and a new start gets the new one whole. An upgrade removes files the last install put
# there that this one no longer has.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${PREFIX:-$HOME/.local}"
scratch="$here/.build-release"
uninstall=0

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "install.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --scratch-path) [ $# -ge 2 ] || die "--scratch-path needs a directory"; scratch="$2"; shift 2 ;;
        --scratch-path=*) scratch="${1#--scratch-path=}"; shift ;;
        --uninstall) uninstall=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument '$1' (accepted: --prefix DIR, --scratch-path DIR, --uninstall, --help)" ;;
    esac
done
[ -n "$prefix" ] || die "--prefix must not be empty"
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
prefix="${prefix%/}"
[ -n "$prefix" ] || die "refusing --prefix /: give a folder of its own, such as /usr/local or /opt/psatop"

manifest="$prefix/share/psatop/install-manifest"

# The paths the manifest lists, one "file PATH" or "dir PATH" a line; only those under the prefix
# (and the prefix itself, when the install made it). The manifest is not trusted: an entry with a
# "." or ".." step, or one whose folder resolves (through a symbolic link) outside the prefix, is
# refused with a warning and left alone.
real_prefix="$(realpath -m -- "$prefix")"
manifest_entries() {
    local kind path inside
    [ -f "$1" ] || return 0
    while IFS=' ' read -r kind path; do
        case "$kind" in file|dir) ;; *) continue ;; esac
        case "$path/" in
            */../* | */./* | *//*)
                echo "install.sh: warning: manifest entry '$path' has a '.', '..' or empty step: left alone" >&2
                continue ;;
        esac
        case "$kind:$path" in "file:$prefix"/* | "dir:$prefix"/* | "dir:$prefix") ;; *) continue ;; esac
        # A file's folder (a folder itself), resolved: a symbolic link must not lead out of the prefix.
        if [ "$kind" = file ]; then inside="$(realpath -m -- "$(dirname -- "$path")")"; else inside="$(realpath -m -- "$path")"; fi
        case "$inside/" in
            "$real_prefix"/*) printf '%s %s\n' "$kind" "$path" ;;
            *) echo "install.sh: warning: manifest entry '$path' resolves outside $prefix: left alone" >&2 ;;
        esac
    done < "$1"
}

if [ "$uninstall" -eq 1 ]; then
    [ -f "$manifest" ] || die "nothing to uninstall: no $manifest (was psatop installed with --prefix $prefix?)"
    entries="$(manifest_entries "$manifest")"
    removed=0
    while IFS=' ' read -r kind path; do
        [ "$kind" = file ] || continue
        if [ -e "$path" ] || [ -L "$path" ]; then
            rm -f -- "$path" || die "cannot remove $path"
            removed=$((removed + 1))
        fi
    done <<< "$entries"
    # The folders the install made, deepest first, unless something else was put in them since.
    while IFS=' ' read -r kind path; do
        [ "$kind" = dir ] || continue
        rmdir -- "$path" 2>/dev/null || true
    done < <(printf '%s\n' "$entries" | grep '^dir ' | awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2-)
    echo "removed psatop from $prefix ($removed files)"
    exit 0
fi

# Say at once, not after a five-minute build, when the prefix cannot be written.
writable_dir() {
    local d="$1"
    while [ ! -e "$d" ]; do d="$(dirname "$d")"; done
    [ -d "$d" ] && [ -w "$d" ] && [ -x "$d" ]
}
dirs=(bin share/psatop/themes share/man/man1 share/bash-completion/completions share/zsh/site-functions share/fish/vendor_completions.d)
for d in "${dirs[@]}"; do
    if ! writable_dir "$prefix/$d"; then
        die "cannot write to $prefix/$d (permission denied, or not a directory).
Choose a prefix you can write, e.g. --prefix ~/.local (the default), or --prefix /usr/local as a user who may write there."
    fi
done

# 1. The release build, the Swift runtime linked statically: no library from the toolchain.
command -v swift >/dev/null 2>&1 || die "swift is not on PATH (a Swift 6 toolchain builds psatop; the installed binary then needs none)"
echo "== building psatop (release, --static-swift-stdlib) in $scratch"
start=$(date +%s)
build=(swift build -c release --static-swift-stdlib --product psatop --scratch-path "$scratch")
set +e
( cd "$here" && "${build[@]}" ) 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]|^warning: .*unhandled|^ +/.*(CMakeLists.txt|\.md|\.docc)$'
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 0 ] || die "the release build failed (exit $rc): ${build[*]}"
echo "build took $(( $(date +%s) - start ))s"
built="$(cd "$here" && "${build[@]}" --show-bin-path)/psatop"

stage="$(mktemp -d "${TMPDIR:-/tmp}/psatop-install.XXXXXX")"
trap 'rm -rf -- "$stage"' EXIT

# 2. Stripped, and checked: nothing from the toolchain's folder may be linked.
command -v strip >/dev/null 2>&1 || die "strip is not on PATH (binutils)"
strip -o "$stage/psatop" "$built"
chmod 755 "$stage/psatop"
size() { du -h "$1" | cut -f1; }
echo "binary: $(size "$built") built, $(size "$stage/psatop") stripped ($(stat -c %s "$stage/psatop" 2>/dev/null || stat -f %z "$stage/psatop") bytes)"
if command -v ldd >/dev/null 2>&1; then
    toolchain="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")"
    if ldd "$stage/psatop" | grep -E "libswift|libFoundation|libdispatch|lib_FoundationICU|$toolchain"; then
        die "the binary still links the libraries above from the Swift toolchain; it would not run on another host"
    fi
fi
"$stage/psatop" --version >/dev/null || die "the built binary does not run"

# 3. The manual page: swift-argument-parser's generate-manual, run on the binary just built (it
#    reads the binary's own --help as data). Its package plugin (`swift package plugin
#    generate-manual`) would build every product of the package again in another configuration —
#    the benchmarks too, minutes more — so its tool is built and run directly, offline.
echo "== manual page (generate-manual)"
( cd "$here" && swift build -c release --static-swift-stdlib --product generate-manual --scratch-path "$scratch" 2>&1 \
    | grep -E "error|warning: .*generate-manual" ) || true
generator="$(cd "$here" && "${build[@]}" --show-bin-path)/generate-manual"
[ -x "$generator" ] || die "swift-argument-parser's generate-manual did not build"
mkdir -p "$stage/man"
day="$(git -C "$here" log -1 --format=%cs 2>/dev/null || date +%Y-%m-%d)"
"$generator" "$stage/psatop" --output-directory "$stage/man" --date "$day" > "$stage/man.log" 2>&1 || { cat "$stage/man.log" >&2; die "generate-manual failed"; }
[ -f "$stage/man/psatop.1" ] || die "generate-manual wrote no psatop.1"
# A blank line between paragraphs of a command's discussion reaches mdoc as an empty input line,
# which man warns about; the paragraph break mdoc means is .Pp.
sed -i.bak 's/^$/.Pp/' "$stage/man/psatop.1" && rm -f "$stage/man/psatop.1.bak"

# 4. Completions, from the binary (psatop.bash, _psatop, psatop.fish; see scripts/completions.sh).
bash "$here/scripts/completions.sh" "$stage/psatop" "$stage"

# 5. In place: each through a temporary file in its folder and a rename.
new_manifest="$stage/manifest"
# Folders an earlier install made stay listed, so --uninstall can remove them.
grep '^dir ' "$manifest" 2>/dev/null > "$new_manifest" || true
put() { # put SOURCE DEST MODE
    local dest="$2" dir
    dir="$(dirname "$dest")"
    if [ ! -d "$dir" ]; then
        local d="$dir" missing=()
        while [ ! -d "$d" ]; do missing+=("$d"); d="$(dirname "$d")"; done
        mkdir -p -- "$dir" || die "cannot create $dir"
        for d in "${missing[@]}"; do echo "dir $d" >> "$new_manifest"; done
    fi
    local tmp="$dir/.psatop-install.$$.$(basename "$dest")"
    cp -- "$1" "$tmp" && chmod "$3" "$tmp" && mv -f -- "$tmp" "$dest" || { rm -f -- "$tmp"; die "cannot write $dest"; }
    echo "file $dest" >> "$new_manifest"
}
put "$stage/psatop" "$prefix/bin/psatop" 755
for t in "$here"/themes/*.toml; do put "$t" "$prefix/share/psatop/themes/$(basename "$t")" 644; done
for m in "$stage"/man/*.1; do put "$m" "$prefix/share/man/man1/$(basename "$m")" 644; done
put "$stage/psatop.bash" "$prefix/share/bash-completion/completions/psatop" 644
put "$stage/_psatop" "$prefix/share/zsh/site-functions/_psatop" 644
put "$stage/psatop.fish" "$prefix/share/fish/vendor_completions.d/psatop.fish" 644

# An upgrade: what the last install put there and this one did not is removed.
if [ -f "$manifest" ]; then
    while IFS=' ' read -r kind path; do
        [ "$kind" = file ] && [ "$path" != "$manifest" ] || continue
        grep -qxF "file $path" "$new_manifest" || rm -f -- "$path"
    done < <(manifest_entries "$manifest")
fi
# The manifest lists itself, so --uninstall removes it too.
echo "file $manifest" >> "$new_manifest"
sort -u "$new_manifest" -o "$new_manifest"
put "$new_manifest" "$manifest" 644

echo "installed $("$prefix/bin/psatop" --version) in $prefix ($(grep -c '^file ' "$manifest") files; list: $manifest)"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: $prefix/bin is not on PATH; add it (export PATH=\"$prefix/bin:\$PATH\")" ;; esac
