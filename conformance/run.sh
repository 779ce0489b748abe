#!/usr/bin/env bash
# Conformance: unmodified third-party clients against `psatop simulate`.
#  - the swagger-generated Atera client from PyPI (atera-client 1.1.0) lists every ticket page,
#    reads a ticket and its comments, and updates one;
#  - a plain Autotask REST client (python requests, written from Autotask's docs) discovers the
#    zone, reads the quota, counts and walks every ticket by id, and PATCHes one.
# Installs both into a throwaway virtualenv. Usage: bash conformance/run.sh [path/to/psatop]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-.build/debug/psatop}"
[ -x "$bin" ] || { echo "conformance: $bin not built (swift build first)" >&2; exit 1; }

venv="$(mktemp -d /tmp/psatop-conformance.XXXXXX)"
out="$venv/sim.out"
cleanup() { [ -n "${sim_pid:-}" ] && kill "$sim_pid" 2>/dev/null || true; rm -rf "$venv"; }
trap cleanup EXIT

if ! python3 -m venv "$venv/env" 2>/dev/null; then
    apt-get install -y python3-venv >/dev/null
    python3 -m venv "$venv/env"
fi
"$venv/env/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check "atera-client==1.1.0" "requests>=2.28"

tickets=1234
"$bin" simulate --port 0 --tickets "$tickets" --seed 7 > "$out" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do grep -q '^atera:' "$out" 2>/dev/null && break; sleep 0.1; done
autotask="$(sed -n 's/^autotask: //p' "$out")"
atera="$(sed -n 's/^atera: //p' "$out")"
[ -n "$autotask" ] && [ -n "$atera" ] || { echo "conformance: the simulator did not start:" >&2; cat "$out" >&2; exit 1; }
creds="$(sed -n 's/^autotask credentials (simulator only): //p' "$out")"
user="$(sed -n 's/.*UserName=\([^ ]*\).*/\1/p' <<<"$creds")"
secret="$(sed -n 's/.*Secret=\([^ ]*\).*/\1/p' <<<"$creds")"
code="$(sed -n 's/.*ApiIntegrationCode=\([^ ]*\).*/\1/p' <<<"$creds")"
key="$(sed -n 's/^atera key (simulator only): //p' "$out")"

"$venv/env/bin/python" conformance/atera_client_walk.py "${atera%/api/v3}" "$key" "$tickets"
"$venv/env/bin/python" conformance/autotask_rest_walk.py "$autotask" "$user" "$secret" "$code" "$tickets"
echo "conformance: both third-party clients passed"
