#!/usr/bin/env bash
# Bytes a program writes to its terminal per idle second (through tmux pipe-pane), and the CPU
# it uses meanwhile (its utime+stime from /proc, children included, over the same seconds).
# usage: measure-idle-bytes.sh NAME "COMMAND" WIDTH HEIGHT SECONDS
# e.g. side by side in one run:
#   scripts/measure-idle-bytes.sh psatop "$PWD/.build/release/psatop --demo" 120 40 60
#   scripts/measure-idle-bytes.sh htop htop 120 40 60
# or both in one call, one after the other, each line printed and then the two side by side:
#   scripts/measure-idle-bytes.sh --beside-htop .build/release/psatop 120 40 60
# (--beside-htop measures psatop twice: `--demo`, whose process also runs the simulator at 20x,
# and the dashboard alone against `psatop simulate` in a process of its own, the demo's load.)
if [ "${1:-}" = "--beside-htop" ]; then
    bin=$(realpath "$2"); w=$3; h=$4; secs=$5
    a=$("$0" psatop "$bin --demo" "$w" "$h" "$secs"); echo "$a"
    simout=$(mktemp)
    "$bin" simulate --port 0 --time-scale 20 --background demo >"$simout" 2>&1 &
    sim=$!
    for _ in $(seq 50); do grep -q '^autotask: ' "$simout" && break; sleep 0.1; done
    url=$(sed -n 's/^autotask: //p' "$simout")
    creds="export AUTOTASK_USERNAME=api-user@demo.example AUTOTASK_SECRET=demo-secret-not-real"
    creds+=" AUTOTASK_INTEGRATION_CODE=DEMO-INTEGRATION-CODE;"
    c=$("$0" psatop-alone "$creds $bin --vendor autotask --base-url $url" "$w" "$h" "$secs"); echo "$c"
    kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null; rm -f "$simout"
    b=$("$0" htop htop "$w" "$h" "$secs"); echo "$b"
    rate() { sed -E 's/.* = ([0-9]+) B\/s.*/\1/' <<<"$1"; }
    cpu() { sed -E 's/.*CPU ([0-9.]+)%.*/\1/' <<<"$1"; }
    echo "beside htop (${w}x${h}, ${secs}s each): psatop --demo $(rate "$a") B/s, $(cpu "$a")% CPU;" \
        "psatop alone (simulator in another process) $(rate "$c") B/s, $(cpu "$c")% CPU;" \
        "htop $(rate "$b") B/s, $(cpu "$b")% CPU"
    exit 0
fi
name=$1; cmd=$2; w=$3; h=$4; secs=$5
out=/tmp/bytes-$name.raw
tmux -L by kill-server 2>/dev/null
tmux -L by -f /dev/null new-session -d -s by -x "$w" -y "$h" "bash --norc"
sleep 0.5
case $cmd in
    export\ *) tmux -L by send-keys -t by "${cmd%%;*}; exec ${cmd#*; }" Enter ;;  # variables first, not in argv
    *) tmux -L by send-keys -t by "exec $cmd" Enter ;;
esac
sleep 5                              # start-up and first data, not counted
pid=$(tmux -L by display-message -p -t by '#{pane_pid}')
ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pid/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)
: > "$out"
c0=$(ticks); t0=$(date +%s%N)
tmux -L by pipe-pane -t by -o "cat >> $out"
sleep "$secs"
tmux -L by pipe-pane -t by
c1=$(ticks); t1=$(date +%s%N)
bytes=$(stat -c %s "$out")
cpu=$(awk -v c="$((c1 - c0))" -v hz="$hz" -v ns="$((t1 - t0))" 'BEGIN { printf "%.2f", c / hz / (ns / 1e9) * 100 }')
echo "$name ${w}x${h}: $bytes bytes in ${secs}s = $(( bytes / secs )) B/s; CPU ${cpu}% of one core (pid $pid)"
tmux -L by send-keys -t by q; sleep 0.5; tmux -L by kill-server
