#!/usr/bin/env bash
# Bytes a program writes to its terminal per idle second, through tmux pipe-pane.
# usage: bytes.sh NAME "COMMAND" WIDTH HEIGHT SECONDS
name=$1; cmd=$2; w=$3; h=$4; secs=$5
out=/tmp/bytes-$name.raw
tmux -L by kill-server 2>/dev/null
tmux -L by -f /dev/null new-session -d -s by -x $w -y $h "bash --norc"
sleep 0.5
tmux -L by send-keys -t by "$cmd" Enter
sleep 5                              # start-up and first data, not counted
: > $out
tmux -L by pipe-pane -t by -o "cat >> $out"
sleep $secs
tmux -L by pipe-pane -t by
bytes=$(stat -c %s $out)
echo "$name ${w}x${h}: $bytes bytes in ${secs}s = $(( bytes / secs )) B/s"
tmux -L by send-keys -t by q; sleep 0.5; tmux -L by kill-server
