#!/usr/bin/env bash
# Conformance: unmodified third-party clients from PyPI against `psatop simulate`, each doing what
# its users do with it (see each script's docstring):
#  - atera-client 1.1.0 (swagger-generated): walk, read, comments, create, update, comment,
#    lastmodified/statusmodified/noComments, attachments, customers, contacts, alerts — every body
#    also checked raw against the client's own models; run with and without the rate headers;
#  - a plain Autotask REST client (python requests, written from Autotask's docs): zone discovery,
#    quota, count, the id walk, a PATCH;
#  - py-autotask 2.3.0: get, query, count, field and entity info, create, update, a note, time
#    entries and SLA results, with its own URL form (…/atservicesrest). It retries POST/PATCH on
#    429/5xx by itself, so its simulator runs without faults;
#  - halopsa 2.0.2 (HaloPSA, pre-alpha, host hard-coded: a URL-rewriting shim around `requests`
#    in the harness points it at the twin, its code unchanged): token, list, get, update, actions;
#  - a plain HaloPSA walker (python requests, written from the OpenAPI document): authinfo, the
#    token at the discovered URL, and every ticket past the 100-row page cap;
#  - pyconnectwise 0.6.1.2 (ConnectWise PSA, spec-generated; always https: a URL-rewriting shim
#    around `requests` points it at the twin, its code unchanged): companyinfo, the navigable
#    walk, count, one ticket, notes, a note, a status by JSON Patch;
#  - a plain ConnectWise walker (python requests, written from the REST docs): companyinfo, Basic
#    + clientId (401 without it), the forward-only walk following Link as given, an escaped quote
#    in conditions, a status of the ticket's board by JSON Patch, an internal note.
# Everything is pinned with its sha256 (conformance/requirements.txt: the clients and all their
# dependencies; pip --require-hashes, wheels only)
# and installed into a throwaway virtualenv. Usage: bash conformance/run.sh [path/to/psatop]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-.build/debug/psatop}"
[ -x "$bin" ] || { echo "conformance: $bin not built (swift build first)" >&2; exit 1; }

# A check must hold under python -O too, which strips `assert`: the scripts use ensure() instead.
if grep -nE '^\s*assert\b' conformance/*.py >&2; then
    echo "conformance: a bare assert above (python -O strips it): use psatop_checks.ensure()" >&2
    exit 1
fi

venv="$(mktemp -d /tmp/psatop-conformance.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$venv"; }
trap cleanup EXIT

if ! python3 -m venv "$venv/env" 2>/dev/null; then
    apt-get install -y python3-venv >/dev/null
    python3 -m venv "$venv/env"
fi
"$venv/env/bin/pip" install --quiet --disable-pip-version-check --require-hashes --only-binary=:all: -r conformance/requirements.txt

# Starts a simulator with the given options; sets autotask, atera, user, secret, code, key.
start() {
    local out="$venv/sim${#pids[@]}.out"
    "$bin" simulate --port 0 "$@" > "$out" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 100); do grep -q '^atera:' "$out" 2>/dev/null && break; sleep 0.1; done
    autotask="$(sed -n 's/^autotask: //p' "$out")"
    atera="$(sed -n 's/^atera: //p' "$out")"
    [ -n "$autotask" ] && [ -n "$atera" ] || { echo "conformance: the simulator did not start:" >&2; cat "$out" >&2; exit 1; }
    local creds
    creds="$(sed -n 's/^autotask credentials (simulator only): //p' "$out")"
    user="$(sed -n 's/.*UserName=\([^ ]*\).*/\1/p' <<<"$creds")"
    secret="$(sed -n 's/.*Secret=\([^ ]*\).*/\1/p' <<<"$creds")"
    code="$(sed -n 's/.*ApiIntegrationCode=\([^ ]*\).*/\1/p' <<<"$creds")"
    key="$(sed -n 's/^atera key (simulator only): //p' "$out")"
    halo="$(sed -n 's/^halo: //p' "$out")"
    local hc
    hc="$(sed -n 's/^halo client (simulator only): //p' "$out")"
    halo_id="$(sed -n 's/.*client_id=\([^ ]*\).*/\1/p' <<<"$hc")"
    halo_secret="$(sed -n 's/.*client_secret=\([^ ]*\).*/\1/p' <<<"$hc")"
    cw="$(sed -n 's/^connectwise: //p' "$out")"
    local cm
    cm="$(sed -n 's/^connectwise member (simulator only): //p' "$out")"
    cw_company="$(sed -n 's/.*company=\([^ ]*\).*/\1/p' <<<"$cm")"
    cw_public="$(sed -n 's/.*public_key=\([^ ]*\).*/\1/p' <<<"$cm")"
    cw_private="$(sed -n 's/.*private_key=\([^ ]*\).*/\1/p' <<<"$cm")"
    cw_client="$(sed -n 's/.*client_id=\([^ ]*\).*/\1/p' <<<"$cm")"
}

tickets=1234
py="$venv/env/bin/python"
start --tickets "$tickets" --seed 7
"$py" conformance/atera_client_walk.py "${atera%/api/v3}" "$key" "$tickets"
"$py" conformance/autotask_rest_walk.py "$autotask" "$user" "$secret" "$code" "$tickets"
"$py" -W ignore::UserWarning conformance/py_autotask_check.py "${autotask%/ATServicesRest/V1.0}/atservicesrest" "$user" "$secret" "$code"
"$py" conformance/halo_walk.py "$halo" "$halo_id" "$halo_secret" "$tickets"
"$py" conformance/halopsa_client_check.py "$halo" "$halo_id" "$halo_secret" "$tickets"
"$py" conformance/connectwise_walk.py "$cw" "$cw_company" "$cw_public" "$cw_private" "$cw_client"
"$py" conformance/pyconnectwise_check.py "$cw" "$cw_company" "$cw_public" "$cw_private" "$cw_client"
start --tickets "$tickets" --seed 8 --no-rate-headers
echo -n "without rate headers: "
"$py" conformance/atera_client_walk.py "${atera%/api/v3}" "$key" "$tickets"
echo "conformance: the four PyPI clients and the three plain walkers passed"
