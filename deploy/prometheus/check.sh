#!/usr/bin/env bash
# Checks deploy/prometheus against the real engines:
#   1. promtool: the scrape config and alert rules are valid, and the rule tests pass;
#   2. a real Prometheus (temporary data, free ports) scrapes `psatop serve-metrics --all` over the
#      four demo tenants, a dead one (a closed port) and a broken profile,
#      psatop_quota_ratio is read back through its HTTP API, and the alert rules evaluate there;
#   3. every query of the Grafana dashboard names only metrics serve-metrics exposes and returns
#      data from that Prometheus.
# Every wait is bounded; both processes are stopped on exit.
#
# Usage: deploy/prometheus/check.sh [PSATOP_BINARY]   (default: psatop on PATH)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$(command -v psatop || true)}"
[ -n "$bin" ] && [ -x "$bin" ] || { echo "check.sh: no psatop binary (give its path)" >&2; exit 2; }
for tool in promtool prometheus curl python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "check.sh: $tool is missing (Debian: apt-get install prometheus curl python3)" >&2; exit 2; }
done

echo "-- promtool"
promtool check config "$here/prometheus.yml"
promtool check rules "$here/psatop-alerts.yml"
( cd "$here" && promtool test rules psatop-alerts.test.yml )

tmp="$(mktemp -d "${TMPDIR:-/tmp}/psatop-prom.XXXXXX")"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null || true
    done
    rm -rf -- "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
# wait_for SECONDS WHAT COMMAND...: runs COMMAND every half second until it succeeds.
wait_for() {
    local limit="$1" what="$2"; shift 2
    local end=$(( $(date +%s) + limit ))
    until "$@" >/dev/null 2>&1; do
        if [ "$(date +%s)" -ge "$end" ]; then echo "check.sh: no $what within ${limit}s" >&2; return 1; fi
        sleep 0.5
    done
}
show_logs() { echo "--- psatop:"; tail -20 "$tmp/psatop.log" || true; echo "--- prometheus:"; tail -20 "$tmp/prometheus.log" || true; }

echo "-- psatop serve-metrics --all: the four demo tenants, one dead (a closed port), one broken profile"
mport=$(free_port)
deadport=$(free_port)   # nothing listens there
mkdir -p "$tmp/cfg"
printf 'key-readable-by-all\n' > "$tmp/cfg/broken.key"; chmod 644 "$tmp/cfg/broken.key"
cat > "$tmp/cfg/config.toml" <<EOF
[profiles.demo]
demo = true
[profiles.contoso]
demo = true
[profiles.fabrikam]
vendor = "atera"
demo = true
[profiles.tailspin]
vendor = "halo"
demo = true
[profiles.dead]
vendor = "atera"
base_url = "http://127.0.0.1:$deadport/api/v3"
api_key = { env = "PSATOP_CHECK_DEAD_KEY" }
[profiles.broken]
vendor = "atera"
api_key = { file = "$tmp/cfg/broken.key" }
EOF
PSATOP_CHECK_DEAD_KEY=not-a-real-key XDG_STATE_HOME="$tmp/state" "$bin" serve-metrics --all --config "$tmp/cfg/config.toml" \
    --listen "127.0.0.1:$mport" > "$tmp/psatop.log" 2>&1 &
pids+=($!)
metrics="http://127.0.0.1:$mport/metrics"
has_ratio() { curl -fsS --max-time 5 "$metrics" | grep -q '^psatop_quota_ratio{'; }
wait_for 90 "psatop_quota_ratio on $metrics" has_ratio || { show_logs; exit 1; }
# The quota history's counters come with its first flush (every 5 s).
has_history() { curl -fsS --max-time 5 "$metrics" | grep -q '^psatop_others_requests_estimated_total{'; }
wait_for 60 "psatop_others_requests_estimated_total on $metrics" has_history || { show_logs; exit 1; }
curl -fsS --max-time 5 "$metrics" > "$tmp/metrics.txt"
echo "serve-metrics exposes: $(grep -oE '^psatop_[a-z0-9_]+' "$tmp/metrics.txt" | sort -u | tr '\n' ' ')"

echo "-- prometheus"
pport=$(free_port)
cat > "$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $here/psatop-alerts.yml
scrape_configs:
  - job_name: psatop
    static_configs:
      - targets: ["127.0.0.1:$mport"]
EOF
promtool check config "$tmp/prometheus.yml" >/dev/null
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
    --web.listen-address="127.0.0.1:$pport" --log.level=warn > "$tmp/prometheus.log" 2>&1 &
pids+=($!)
api="http://127.0.0.1:$pport"
wait_for 60 "Prometheus ready on $api" curl -fsS --max-time 5 "$api/-/ready" || { show_logs; exit 1; }

# psatop_quota_ratio read back through Prometheus's HTTP API, one series per tenant.
query() { curl -fsS --max-time 10 --get --data-urlencode "query=$1" "$api/api/v1/query"; }
ratio_back() { query psatop_quota_ratio | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; sys.exit(0 if r else 1)'; }
wait_for 60 "psatop_quota_ratio from Prometheus's API" ratio_back || { show_logs; exit 1; }
query psatop_quota_ratio | python3 -c '
import json, sys
for r in json.load(sys.stdin)["data"]["result"]:
    print("  psatop_quota_ratio{tenant=%s, vendor=%s} = %s" % (r["metric"]["tenant"], r["metric"]["vendor"], r["value"][1]))'

# A few more scrapes, so rates and forecasts have points, then the rules and the dashboard.
sleep 6
echo "-- alert rules, evaluated by Prometheus"
curl -fsS --max-time 10 "$api/api/v1/rules" > "$tmp/rules.json"
python3 - "$tmp/rules.json" "$here/psatop-alerts.yml" <<'EOF'
import json, re, sys
rules = [r for g in json.load(open(sys.argv[1]))["data"]["groups"] for r in g["rules"]]
want = len(re.findall(r"^\s*- alert:", open(sys.argv[2]).read(), re.M))
bad = [r["name"] for r in rules if r.get("health") != "ok"]
print(f"  {len(rules)} rules loaded (file has {want}); firing or pending: "
      + (", ".join(f'{r["name"]} ({r["state"]})' for r in rules if r["state"] != "inactive") or "none"))
if len(rules) != want or bad:
    sys.exit(f"check.sh: rules not loaded or not healthy: {bad or 'count differs'}")
EOF

echo "-- a dead tenant and a broken profile page"
# psatop_up 0 for both (the dead one probed and failing, the broken one never watched), and the
# shipped rules act on them: PsatopProfileBroken fires at once, PsatopQuotaUnread is active
# (pending for its 10 minutes, then firing: psatop-alerts.test.yml shows it fire).
down_back() { query 'psatop_up{tenant=~"dead|broken"} == 0' | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; sys.exit(0 if len(r) == 2 else 1)'; }
wait_for 60 "psatop_up 0 for the dead and the broken tenant" down_back || { show_logs; exit 1; }
alerts_back() {
    curl -fsS --max-time 10 "$api/api/v1/alerts" | python3 -c '
import json, sys
a = json.load(sys.stdin)["data"]["alerts"]
state = {(x["labels"]["alertname"], x["labels"].get("tenant")): x["state"] for x in a}
ok = state.get(("PsatopProfileBroken", "broken")) == "firing" and state.get(("PsatopQuotaUnread", "dead")) in ("pending", "firing")
print("  " + ", ".join(f"{k[0]}{{tenant={k[1]}}} {v}" for k, v in sorted(state.items())))
sys.exit(0 if ok else 1)'
}
wait_for 60 "PsatopProfileBroken firing and PsatopQuotaUnread active for the dead tenant" alerts_back || { show_logs; exit 1; }

echo "-- Grafana dashboard queries"
python3 - "$here/grafana-dashboard.json" "$tmp/metrics.txt" "$api" <<'EOF'
import json, re, sys, time, urllib.parse, urllib.request
dash, exposition, api = sys.argv[1], sys.argv[2], sys.argv[3]
exposed = set(re.findall(r"^(psatop_[a-zA-Z0-9_]+)", open(exposition).read(), re.M))
# PromQL words that are not metric names.
words = {"sum", "min", "max", "avg", "count", "rate", "irate", "increase", "predict_linear", "by", "without",
         "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "topk",
         "bottomk", "delta", "deriv", "abs", "clamp_min", "clamp_max", "histogram_quantile", "label_values"}
targets = [(p["title"], t["expr"]) for p in json.load(open(dash))["panels"] for t in p.get("targets", [])]
failed = []
for title, expr in targets:
    # Grafana's variables as "All" would set them.
    q = expr.replace("$__rate_interval", "1m").replace("$tenant", ".+")
    bare = re.sub(r'"[^"]*"', "", q)                 # label values
    bare = re.sub(r"\{[^}]*\}", "", bare)            # label matchers
    bare = re.sub(r"\[[^\]]*\]", "", bare)           # ranges
    bare = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", bare)  # grouping labels
    names = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", bare)) - words
    unknown = sorted(n for n in names if n not in exposed)
    result = None
    for _ in range(20):                              # a rate needs two points: bounded retry
        url = api + "/api/v1/query?" + urllib.parse.urlencode({"query": q})
        try:
            body = json.load(urllib.request.urlopen(url, timeout=10))
        except Exception as e:
            body = {"status": "error", "error": str(e)}
        if body.get("status") != "success":
            result = body.get("error", "error"); break
        result = body["data"]["result"]
        if result: break
        time.sleep(1)
    ok = not unknown and isinstance(result, list) and len(result) > 0
    print(f"  {'ok  ' if ok else 'FAIL'} {title}: {expr}"
          + (f"  ({len(result)} series)" if isinstance(result, list) else f"  ({result})")
          + (f"  names metrics serve-metrics does not expose: {unknown}" if unknown else ""))
    if not ok: failed.append(expr)
print(f"  {len(targets) - len(failed)} of {len(targets)} queries return data")
if failed: sys.exit("check.sh: Grafana queries failed")
EOF
echo "prometheus check: ok"
