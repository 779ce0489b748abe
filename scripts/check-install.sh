#!/usr/bin/env bash
# What .ci/run checks of scripts/install.sh, as a new user on a jump host would see it:
# install into a temporary prefix, then the installed binary: nothing from the Swift toolchain in
# ldd, --version, status and tickets against the demo from an empty directory (no checkout, no
# config), the dashboard there with its themes (under tmux), the manual page renders, the bash
# completion loads and completes; a prefix that cannot be written is refused at once; and
# --uninstall leaves the prefix as it found it.
#
# Usage: scripts/check-install.sh [--scratch-path DIR]   (passed on to install.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/psatop-check-install.XXXXXX")"
sock="psatop-check-install-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf -- "$tmp"; }
trap cleanup EXIT
prefix="$tmp/prefix"
bin="$prefix/bin/psatop"
fail() { echo "check-install: FAIL: $*" >&2; exit 1; }
step() { echo "-- $*"; }
t0=$(date +%s)

step "a prefix that cannot be written is refused before building"
: > "$tmp/a-file"
set +e
out="$(scripts/install.sh --prefix "$tmp/a-file/prefix" 2>&1)"; rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q "cannot write to $tmp/a-file/prefix" <<< "$out" || fail "an unwritable prefix was not refused clearly: $out"
echo "$out" | head -2

step "scripts/install.sh --prefix $prefix"
scripts/install.sh --prefix "$prefix" "$@"
t1=$(date +%s)

step "ldd: nothing from the toolchain"
toolchain="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")"
ldd "$bin" | tee "$tmp/ldd"
if grep -E "libswift|libFoundation|libdispatch|lib_FoundationICU|$toolchain" "$tmp/ldd"; then fail "the installed binary links the toolchain's libraries"; fi

# From an empty directory, with an empty HOME and no toolchain on PATH: as on another host.
mkdir -p "$tmp/empty" "$tmp/home"
run() { ( cd "$tmp/empty" && env -i PATH=/usr/bin:/bin HOME="$tmp/home" LANG=C.UTF-8 "$@" ); }

step "--version"
v="$(run "$bin" --version)"; echo "$v"
[[ "$v" == "psatop "* ]] || fail "--version printed '$v'"

step "status --demo and tickets --demo from an empty directory"
set +e
run "$bin" status --demo; rc=$?
set -e
[ "$rc" -le 2 ] || fail "status --demo exited $rc (no reading)"
n="$(run "$bin" tickets --demo --limit 5 | wc -l)"
[ "$n" -eq 5 ] || fail "tickets --demo --limit 5 printed $n lines"
echo "tickets --demo --limit 5: $n tickets"

step "the dashboard from an empty directory finds the installed themes"
tmux -L "$sock" -f /dev/null new-session -d -x 100 -y 30 \
    "cd '$tmp/empty' && env -i PATH=/usr/bin:/bin HOME='$tmp/home' TERM=tmux-256color LANG=C.UTF-8 '$bin' --demo; echo EXIT=\$?; sleep 60"
screen() { tmux -L "$sock" capture-pane -p; }
wait_screen() { # wait_screen SECONDS TEXT
    local end=$(( $(date +%s) + $1 ))
    until screen | grep -qF -- "$2"; do
        [ "$(date +%s)" -lt "$end" ] || { screen; fail "the dashboard did not show '$2' within $1 s"; }
        sleep 0.3
    done
}
wait_screen 60 "Tickets 1/"
tmux -L "$sock" send-keys t
wait_screen 15 "next of default, light, high-contrast, mono"
screen | grep -F "theme:"
tmux -L "$sock" send-keys q
wait_screen 15 "EXIT=0"
tmux -L "$sock" kill-server 2>/dev/null || true

step "man -l renders the manual page"
page="$prefix/share/man/man1/psatop.1"
MANWIDTH=80 man --warnings -l "$page" > "$tmp/man.txt" 2> "$tmp/man.err" || fail "man -l failed: $(cat "$tmp/man.err")"
[ ! -s "$tmp/man.err" ] || { cat "$tmp/man.err"; fail "man -l warned"; }
for word in NAME SYNOPSIS serve-metrics status tickets "Exit codes"; do
    grep -q -- "$word" "$tmp/man.txt" || fail "the manual page does not mention '$word'"
done
echo "$(wc -l < "$tmp/man.txt") lines; $(head -1 "$tmp/man.txt" | tr -s ' ')"

step "bash completion loads and completes"
completion="$prefix/share/bash-completion/completions/psatop"
got="$(bash --norc --noprofile -c '
    source "$1" || exit 1
    complete -p psatop >/dev/null || exit 1
    fn=$(complete -p psatop | sed -E "s/.*-F ([^ ]+).*/\1/")
    COMP_WORDS=(psatop sta); COMP_CWORD=1; COMP_LINE="psatop sta"; COMP_POINT=${#COMP_LINE}
    "$fn" psatop sta psatop
    printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" 2>&1)" || fail "bash completion did not load: $got"
grep -qx status <<< "$got" || fail "bash completion of 'psatop sta' gave: $got"
echo "psatop sta<Tab> → $(tr '\n' ' ' <<< "$got")"
if command -v zsh >/dev/null 2>&1; then zsh -n "$prefix/share/zsh/site-functions/_psatop" || fail "zsh completion does not parse"; fi
if command -v fish >/dev/null 2>&1; then fish -n "$prefix/share/fish/vendor_completions.d/psatop.fish" || fail "fish completion does not parse"; fi

step "upgrade in place: a second install over the first, the running binary undisturbed"
"$bin" serve-metrics --demo --listen 127.0.0.1:0 > /dev/null 2>&1 &
running=$!
sleep 1
scripts/install.sh --prefix "$prefix" "$@" > "$tmp/upgrade.log" 2>&1 || { cat "$tmp/upgrade.log"; fail "the upgrade failed"; }
tail -1 "$tmp/upgrade.log"
kill -0 "$running" 2>/dev/null || fail "the running psatop died during the upgrade"
kill "$running"; wait "$running" 2>/dev/null || true
[ "$(ls -A "$prefix/bin")" = "psatop" ] || fail "temporary files left in $prefix/bin: $(ls -A "$prefix/bin")"

step "--uninstall removes exactly what was installed"
touch "$tmp/prefix/share/keep-me"
scripts/install.sh --prefix "$prefix" --uninstall
left="$(cd "$prefix" && find . -mindepth 1 | sort | tr '\n' ' ')"
[ "$left" = "./share ./share/keep-me " ] || fail "after --uninstall the prefix holds: $left"
echo "left behind: only the file put there by someone else ($left)"
rm -rf -- "$prefix"   # as the first install found it: no prefix at all
scripts/install.sh --prefix "$prefix" "$@" > "$tmp/again.log" 2>&1 || { cat "$tmp/again.log"; fail "the install after the uninstall failed"; }
scripts/install.sh --prefix "$prefix" --uninstall
[ ! -e "$prefix" ] || fail "--uninstall left the prefix it had made: $(cd "$prefix" && find . | tr '\n' ' ')"
echo "a prefix the install made is removed with it"

echo "check-install: ok (first install with its build $((t1 - t0)) s, the checks after it $(( $(date +%s) - t1 )) s)"
