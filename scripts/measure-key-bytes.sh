#!/usr/bin/env bash
# Bytes a program writes to its terminal per key press, through tmux pipe-pane: N presses of
# KEY (alternating with BACK so the view stays in place), minus what it writes idle in the same time.
# usage: measure-key-bytes.sh NAME "COMMAND" WIDTH HEIGHT PRESSES [KEY] [BACK]
name=$1; cmd=$2; w=$3; h=$4; n=$5; key=${6:-Down}; back=${7:-Up}
out=/tmp/keybytes-$name.raw
tmux -L kb kill-server 2>/dev/null
tmux -L kb -f /dev/null new-session -d -s kb -x $w -y $h "bash --norc"
sleep 0.5
tmux -L kb send-keys -t kb "$cmd" Enter
sleep 5                              # start-up and first data, not counted
secs=$(( n / 4 ))
# Idle bytes over the same time, to subtract.
: > $out; tmux -L kb pipe-pane -t kb -o "cat >> $out"; sleep $secs; tmux -L kb pipe-pane -t kb
idle=$(stat -c %s $out)
: > $out; tmux -L kb pipe-pane -t kb -o "cat >> $out"
for i in $(seq 1 $n); do
    if [ $((i % 2)) -eq 1 ]; then tmux -L kb send-keys -t kb $key; else tmux -L kb send-keys -t kb $back; fi
    sleep 0.25
done
tmux -L kb pipe-pane -t kb
keys=$(stat -c %s $out)
echo "$name ${w}x${h}: $n presses: $keys bytes ($idle idle in the same ${secs}s) = $(( (keys - idle) / n )) B per key press"
tmux -L kb send-keys -t kb q; sleep 0.5; tmux -L kb kill-server
