#!/usr/bin/env bash
# What .ci/run checks of scripts/release.sh, from the release build scripts/check-install.sh has
# just made (the same scratch folder: nothing is built twice):
# - the artefacts twice from one binary (the second with --no-build: a rebuild's binary differs in
#   its module hash and build-id), at another time, umask and temporary folder: the same bytes; SHA256SUMS
#   checks; lintian finds no error in the package;
# - the .deb installed with apt-get: psatop --version, man -w psatop, status --demo, the
#   dashboard finding its themes in /usr/share/psatop/themes, and `psatop --ven<Tab>` completing
#   to --vendor in bash, zsh and fish; removed and purged: nothing it installed is left;
# - the tarball unpacked in a scratch folder: its binary runs there and finds its themes.
# Needs root or sudo (apt-get), dpkg-dev, lintian, tmux, man-db, zsh and fish.
#
# Usage: scripts/check-release.sh [--scratch-path DIR]   (passed on to release.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d "${TMPDIR:-/tmp}/psatop-check-release.XXXXXX")"
sock="psatop-check-release-$$"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
installed=0
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    [ "$installed" -eq 0 ] || $SUDO apt-get purge -y -qq psatop >/dev/null 2>&1 || true
    rm -rf -- "$tmp"
}
trap cleanup EXIT
fail() { echo "check-release: FAIL: $*" >&2; exit 1; }
step() { echo "-- $*"; }
for tool in dpkg-deb dpkg-shlibdeps lintian tmux man zsh fish apt-get; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed"
done
if dpkg-query -W -f='${Status}' psatop 2>/dev/null | grep -q "ok installed"; then
    fail "psatop is already installed as a package here; this check installs and removes it"
fi

step "scripts/release.sh, twice from one build: the second at another time, umask and temporary folder"
scripts/release.sh --out "$tmp/a" "$@"
mkdir -p "$tmp/other-tmp"
sleep 1
( umask 077 && TMPDIR="$tmp/other-tmp" scripts/release.sh --out "$tmp/b" --no-build "$@" ) > "$tmp/b.log" 2>&1 \
    || { cat "$tmp/b.log"; fail "the second release.sh failed"; }
tarball="$(cd "$tmp/a" && ls psatop-*-linux-x86_64.tar.gz)"
deb="$(cd "$tmp/a" && ls psatop_*_amd64.deb)"
# On a difference, say which files differ and how (the bytes of a .tar.gz alone say nothing).
explain() { # explain NAME: unpack both copies, list what differs
    local x
    for x in a b; do
        mkdir -p "$tmp/unpacked-$x"
        case "$1" in
            *.tar.gz) tar -xzf "$tmp/$x/$1" -C "$tmp/unpacked-$x" ;;
            *.deb) dpkg-deb -R "$tmp/$x/$1" "$tmp/unpacked-$x/deb" ;;
            *) cp "$tmp/$x/$1" "$tmp/unpacked-$x/" ;;
        esac
        case "$1" in
            *.tar.gz) tar -tvzf "$tmp/$x/$1" > "$tmp/unpacked-$x.list" ;;
            *.deb) dpkg-deb -c "$tmp/$x/$1" > "$tmp/unpacked-$x.list" ;;
            *) : > "$tmp/unpacked-$x.list" ;;
        esac
    done
    echo "entries (modes, owners, sizes, dates) that differ:"
    diff "$tmp/unpacked-a.list" "$tmp/unpacked-b.list" | head -20 || true
    echo "contents that differ:"
    diff -r "$tmp/unpacked-a" "$tmp/unpacked-b" | head -60 || true
}
for f in "$tarball" "$deb" SHA256SUMS; do
    cmp "$tmp/a/$f" "$tmp/b/$f" || { explain "$f"; fail "$f differs between two builds from the same binary"; }
done
echo "identical: $tarball, $deb, SHA256SUMS ($(cut -c1-16 "$tmp/a/SHA256SUMS" | tr '\n' ' '))"
( cd "$tmp/a" && sha256sum -c SHA256SUMS ) || fail "SHA256SUMS does not check"
version="${tarball#psatop-}"
version="${version%-linux-x86_64.tar.gz}"

step "the tarball's contents: sorted, owned by root, one date"
tar -tvzf "$tmp/a/$tarball" > "$tmp/tar.list"
cat "$tmp/tar.list"
awk '{ print $2 }' "$tmp/tar.list" | sort -u | grep -vx "0/0" && fail "an entry not owned by 0/0"
[ "$(awk '{ print $4 " " $5 }' "$tmp/tar.list" | sort -u | wc -l)" -eq 1 ] || fail "entries with different dates"
for f in bin/psatop LICENSE README.md CHANGELOG.md THIRD-PARTY-LICENSES.txt share/man/man1/psatop.1 \
    share/psatop/themes/default.toml share/bash-completion/completions/psatop \
    share/zsh/site-functions/_psatop share/fish/vendor_completions.d/psatop.fish; do
    grep -q " psatop-$version-linux-x86_64/$f\$" "$tmp/tar.list" || fail "the tarball lacks $f"
done

step "lintian $deb (no errors; warnings and notes listed)"
set +e
lintian --tag-display-limit 0 "$tmp/a/$deb" > "$tmp/lintian.txt" 2>&1
set -e
cat "$tmp/lintian.txt"
grep -q "^E: " "$tmp/lintian.txt" && fail "lintian reports errors"
dpkg-deb --info "$tmp/a/$deb" | sed -n '/Package:/,$p'

step "apt-get install ./$deb"
dpkg-deb --fsys-tarfile "$tmp/a/$deb" | tar -t | sed 's#^\./#/#; s#/$##' | grep -v '^$' | grep -vx / > "$tmp/paths"
while read -r p; do [ -e "$p" ] && echo "$p"; done < "$tmp/paths" > "$tmp/existed-before"
cp "$tmp/a/$deb" "$tmp/install.deb"; chmod 644 "$tmp/install.deb"; chmod 755 "$tmp"
installed=1
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$tmp/install.deb" > "$tmp/apt.log" 2>&1 \
    || { cat "$tmp/apt.log"; fail "apt-get install failed"; }
[ "$(command -v psatop)" = /usr/bin/psatop ] || fail "psatop on PATH is $(command -v psatop), not /usr/bin/psatop"
mkdir -p "$tmp/empty" "$tmp/home"
run() { ( cd "$tmp/empty" && env -i PATH=/usr/bin:/bin HOME="$tmp/home" LANG=C.UTF-8 "$@" ); }

step "psatop --version, man -w psatop, status --demo"
v="$(run psatop --version)"; echo "$v"
[ "$v" = "psatop $version" ] || fail "--version printed '$v', the artefacts say $version"
page="$(man -w psatop)"; echo "man -w psatop: $page"
[ "$page" = /usr/share/man/man1/psatop.1.gz ] || fail "man -w psatop found '$page'"
MANWIDTH=80 man psatop 2>&1 | grep -q SYNOPSIS || fail "man psatop does not render"
set +e
run psatop status --demo > "$tmp/status.txt"; rc=$?
set -e
head -5 "$tmp/status.txt"
[ "$rc" -le 2 ] || fail "status --demo exited $rc (no reading)"

# The dashboard under tmux, from an empty folder: the theme key lists the shipped themes.
dashboard_themes() { # dashboard_themes BINARY
    tmux -L "$sock" -f /dev/null new-session -d -x 100 -y 30 \
        "cd '$tmp/empty' && env -i PATH=/usr/bin:/bin HOME='$tmp/home' TERM=tmux-256color LANG=C.UTF-8 '$1' --demo; echo EXIT=\$?; sleep 60"
    wait_screen 60 "Tickets 1/"
    tmux -L "$sock" send-keys t
    wait_screen 15 "next of default, light, high-contrast, mono"
    tmux -L "$sock" send-keys q
    wait_screen 15 "EXIT=0"
    tmux -L "$sock" kill-server 2>/dev/null || true
}
screen() { tmux -L "$sock" capture-pane -p; }
wait_screen() { # wait_screen SECONDS TEXT
    local end=$(( $(date +%s) + $1 ))
    until screen | grep -qF -- "$2"; do
        [ "$(date +%s)" -lt "$end" ] || { screen; fail "the screen did not show '$2' within $1 s"; }
        sleep 0.3
    done
}
step "the dashboard finds the themes in /usr/share/psatop/themes"
dashboard_themes /usr/bin/psatop
echo "theme key: next of default, light, high-contrast, mono"

step "completions: psatop --ven<Tab> in bash, zsh and fish"
got="$(bash --norc --noprofile -c '
    source /usr/share/bash-completion/completions/psatop || exit 1
    fn=$(complete -p psatop | sed -E "s/.*-F ([^ ]+).*/\1/")
    COMP_WORDS=(psatop --ven); COMP_CWORD=1; COMP_LINE="psatop --ven"; COMP_POINT=${#COMP_LINE}
    "$fn" psatop --ven psatop
    printf "%s\n" "${COMPREPLY[@]}"' 2>&1)" || fail "bash completion did not load: $got"
[ "$(printf '%s\n' "$got" | sed 's/ *$//')" = "--vendor" ] || fail "bash: psatop --ven<Tab> gave: $got"
echo "bash: --vendor"
got="$(env -i PATH=/usr/bin:/bin HOME="$tmp/home" fish -c 'complete -C "psatop --ven"' 2>&1)"
[ "$(printf '%s\n' "$got" | cut -f1)" = "--vendor" ] || fail "fish: complete -C 'psatop --ven' gave: $got"
echo "fish: $got"
# zsh completes only at an interactive prompt: one under tmux, with the system's fpath and compinit.
tmux -L "$sock" -f /dev/null new-session -d -x 100 -y 10 \
    "env -i PATH=/usr/bin:/bin HOME='$tmp/home' TERM=tmux-256color zsh -f"
tmux -L "$sock" send-keys "PS1='zsh> '; autoload -Uz compinit && compinit -u -D && echo READY" Enter
wait_screen 15 "READY"
tmux -L "$sock" send-keys "psatop --ven" Tab
wait_screen 15 "zsh> psatop --vendor"
screen | grep -F "zsh> psatop --ven" | tail -1 | sed 's/^/zsh: /'
tmux -L "$sock" kill-server 2>/dev/null || true

step "apt-get remove (and purge): nothing the package installed is left"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get remove -y -qq psatop > "$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log"; fail "apt-get remove failed"; }
# No conffiles: remove leaves nothing for purge, and apt then knows no such package.
if dpkg-query -W psatop >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get purge -y -qq psatop > "$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log"; fail "apt-get purge failed"; }
fi
installed=0
left=()
while read -r p; do
    grep -qxF -- "$p" "$tmp/existed-before" && continue
    { [ -e "$p" ] || [ -L "$p" ]; } && left+=("$p")
done < "$tmp/paths"
[ "${#left[@]}" -eq 0 ] || fail "left after apt-get purge: ${left[*]}"
! dpkg-query -W psatop >/dev/null 2>&1 || fail "dpkg still knows psatop after the purge"
echo "$(wc -l < "$tmp/paths") paths installed, none left (folders that were there before stay)"

step "the tarball, unpacked in a scratch folder: its binary runs there"
mkdir -p "$tmp/unpacked"
tar -xzf "$tmp/a/$tarball" -C "$tmp/unpacked"
tb="$tmp/unpacked/psatop-$version-linux-x86_64/bin/psatop"
v="$(run "$tb" --version)"; echo "$v"
[ "$v" = "psatop $version" ] || fail "the tarball's binary says '$v'"
set +e
run "$tb" status --demo > /dev/null; rc=$?
set -e
[ "$rc" -le 2 ] || fail "the tarball's status --demo exited $rc"
dashboard_themes "$tb"
echo "the tarball's dashboard finds its themes in share/psatop/themes"
echo "check-release: ok ($tarball, $deb)"
