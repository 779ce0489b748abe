#!/usr/bin/env bash
# usage: scripts/measure-first-frame.sh PATH-TO-PSATOP [--all]
# Time from launch to first frame and to first data, reading the screen every 10 ms.
# With --all (`--demo --all`, five tenants, the overview shows four): the first frame is the
# tenants' overview, first data is the four rows shown with a percentage and the ticket list loaded.
bin=$1; all=${2:-}
tmux -L ff kill-server 2>/dev/null
tmux -L ff -f /dev/null new-session -d -s ff -x 100 -y 30 "bash --norc"
sleep 0.5
t0=$(date +%s%N)
tmux -L ff send-keys -t ff "LANG=C.UTF-8 $bin --demo $all" Enter
frame=""; data=""
for i in $(seq 1 1000); do
  s=$(tmux -L ff capture-pane -t ff -p)
  now=$(date +%s%N)
  if [ -n "$all" ]; then
    [ -z "$frame" ] && echo "$s" | grep -q "Tenants (" && frame=$(( (now - t0) / 1000000 ))
    [ -z "$data" ] && [ "$(echo "$s" | grep -cE '^│ .?[1-4] .*[0-9]\.[0-9]%')" -ge 4 ] \
      && echo "$s" | grep -q "Tickets 1/1,234" && data=$(( (now - t0) / 1000000 ))
  else
    [ -z "$frame" ] && echo "$s" | grep -q "Quota (ThresholdInformation)" && frame=$(( (now - t0) / 1000000 ))
    [ -z "$data" ] && echo "$s" | grep -q "Tickets 1/1,234" && echo "$s" | grep -q "% " && data=$(( (now - t0) / 1000000 ))
  fi
  [ -n "$frame" ] && [ -n "$data" ] && break
  sleep 0.01
done
echo "first frame: ${frame} ms, first data (${all:+the 4 tenants shown, }gauge + tickets): ${data} ms"
tmux -L ff send-keys -t ff q
sleep 0.5; tmux -L ff kill-server
