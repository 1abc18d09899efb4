#!/usr/bin/env bash
# End-to-end check that the shipped files work together, as config/prometheus.yml's header says:
#  1. installs prometheus and promtool (apt) when absent; checks config/prometheus.yml (syntax, and
#     in full with its credentials file), the alert rules and their unit tests
#     (src/test/prometheus/alert-rules.test.yml: each alert's text with real labels); renders the
#     kustomization (config/) when kubectl is on PATH and checks the module file's ConfigMap;
#  2. starts the packaged jar from the repository root, so that it reads config/application.yml as
#     the container does, every port placeholder on a free port: without a credential it fails once,
#     naming every non-loopback binding and the whole fix, and that fix starts it; then on loopback
#     with a token's hash;
#  3. starts a real Prometheus with config/prometheus.yml rewritten ONLY for ports (its targets moved
#     to the free ones; credentials, relabelling, rules and intervals as shipped), the token in its
#     credentials_file, and asserts through Prometheus' HTTP API: the service's self-scrape (job
#     asyncore, /actuator/prometheus on the management port) is up, both relabelled blackbox targets
#     are up with probe_success 1 and their module label;
#  4. replaces the token with a wrong one: both blackbox targets go down with a 401 and the shipped
#     ProbeScrapeFailing alert becomes pending for each.
# Loopback only; every wait is bounded; processes are stopped on exit. Prints PASS or FAIL.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
STARTED=$SECONDS
TMP="$(mktemp -d /tmp/asyncore-shipped-e2e.XXXXXX)"
PIDS=()
curl() { command curl --max-time 10 "$@"; }

# wait_for, free_port, apt_need, service_jar, e2e_begin (log, fail, the exit trap)
source "$ROOT/src/test/e2e/e2e-lib.sh"
e2e_begin shipped "shipped files end-to-end" app.log prometheus.log

# ---- 1. tools and static checks ----------------------------------------------------------------
apt_need prometheus prometheus
apt_need promtool prometheus
# Debian's package may start its own daemon on 9090; this script runs its own on a free port.

HTTP_PORT=$(free_port); MGMT_PORT=$(free_port); BLACKBOX_PORT=$(free_port); ECHO_PORT=$(free_port)
ECHO_UDP_PORT=$(free_port); DISCARD_PORT=$(free_port); PROM_PORT=$(free_port)

# config/prometheus.yml with only its ports moved: the management port (asyncore job and the http
# target), the blackbox listener (the blackbox job's __address__) and the echo port (tcp target).
sed -e "s#127\.0\.0\.1:9090#127.0.0.1:$MGMT_PORT#g" -e "s#127\.0\.0\.1:9115#127.0.0.1:$BLACKBOX_PORT#g" \
    -e "s#127\.0\.0\.1:7007#127.0.0.1:$ECHO_PORT#g" config/prometheus.yml >"$TMP/prometheus.yml"
cp config/alert-rules.yml "$TMP/alert-rules.yml"
CHANGED=$(diff config/prometheus.yml "$TMP/prometheus.yml" | grep -c '^>' || true)
log "config/prometheus.yml: $CHANGED lines with a port moved, nothing else"
[[ $CHANGED -ge 4 ]] || fail "expected the asyncore target, two blackbox targets and the exporter address to move"
[[ "$(diff <(sed -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' config/prometheus.yml) \
          <(sed -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' "$TMP/prometheus.yml"))" == "" ]] \
  || fail "the rewrite changed more than ports"
CREDENTIALS_FILE=$(sed -n 's/^ *credentials_file: *\([^ #]*\).*/\1/p' config/prometheus.yml | head -n 1)
[[ -n "$CREDENTIALS_FILE" ]] || fail "config/prometheus.yml's blackbox job has no credentials_file"

log "promtool: prometheus.yml, alert-rules.yml, src/test/prometheus/alert-rules.test.yml"
promtool check config --syntax-only config/prometheus.yml >"$TMP/promtool.log" 2>&1 \
  || { cat "$TMP/promtool.log"; fail "config/prometheus.yml is invalid"; }
promtool check rules config/alert-rules.yml >"$TMP/promtool.log" 2>&1 \
  || { cat "$TMP/promtool.log"; fail "config/alert-rules.yml is invalid"; }
promtool test rules src/test/prometheus/alert-rules.test.yml >"$TMP/promtool.log" 2>&1 \
  || { cat "$TMP/promtool.log"; fail "the alert rules' unit tests failed"; }

if command -v kubectl >/dev/null; then
  kubectl kustomize config >"$TMP/manifests.yaml" 2>"$TMP/kustomize.log" \
    || { cat "$TMP/kustomize.log"; fail "kubectl kustomize config failed"; }
  python3 - "$TMP/manifests.yaml" config/blackbox.yml <<'PY' || fail "the kustomization does not mount config/blackbox.yml"
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
cm = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("asyncore-blackbox"))
assert cm["data"]["blackbox.yml"] == open(sys.argv[2]).read(), "ConfigMap data differs from config/blackbox.yml"
pod = next(d for d in docs if d["kind"] == "Deployment")["spec"]["template"]["spec"]
vol = next(v for v in pod["volumes"] if v.get("configMap", {}).get("name") == cm["metadata"]["name"])
c = pod["containers"][0]
mount = next(m for m in c["volumeMounts"] if m["name"] == vol["name"])
env = {e["name"]: e.get("value") for e in c["env"]}
assert env["ASYNCORE_BLACKBOX_CONFIG"] == mount["mountPath"] + "/blackbox.yml", env
policy = next(d for d in docs if d["kind"] == "NetworkPolicy")
assert any(p["port"] == 9115 for r in policy["spec"]["ingress"] if "from" in r for p in r["ports"]), "9115 not admitted"
print("kustomize: ConfigMap %s mounted at %s, 9115 admitted from Prometheus" % (cm["metadata"]["name"], mount["mountPath"]))
PY
else
  log "kubectl not on PATH: the kustomization is checked by ShippedFilesTest only"
fi

# ---- 2. the service, from the repository root --------------------------------------------------
JAR="$(service_jar)"
PORTS=(HTTP_PORT="$HTTP_PORT" MANAGEMENT_PORT="$MGMT_PORT" ASYNCORE_BLACKBOX_PORT="$BLACKBOX_PORT"
  ASYNCORE_ECHO_PORT="$ECHO_PORT" ASYNCORE_ECHO_UDP_PORT="$ECHO_UDP_PORT" ASYNCORE_DISCARD_PORT="$DISCARD_PORT")
LOOPBACK=(HTTP_ADDRESS=127.0.0.1 MANAGEMENT_ADDRESS=127.0.0.1 ASYNCORE_BIND_HOST=127.0.0.1)
# A newcomer's first start: no credential, every interface. The one failure names every binding
# and the whole fix, so the second start (that fix, still no credential) runs.
log "java -jar from the repository root without a credential"
set +e
env "${PORTS[@]}" timeout 120 java -jar "$JAR" >"$TMP/first.log" 2>&1
FIRST_RC=$?
set -e
[[ $FIRST_RC -ne 0 && $FIRST_RC -ne 124 ]] || fail "the first start exited with $FIRST_RC"
grep -q "0.0.0.0 (server.address), 0.0.0.0 (management.server.address), 0.0.0.0 (asyncore.listeners\[0\].host)" "$TMP/first.log" \
  && grep -q "set HTTP_ADDRESS=127.0.0.1 MANAGEMENT_ADDRESS=127.0.0.1 ASYNCORE_BIND_HOST=127.0.0.1 (all three)" "$TMP/first.log" \
  || { grep -A3 '^Description' "$TMP/first.log"; fail "the first failure does not name every binding and the fix"; }
env "${PORTS[@]}" "${LOOPBACK[@]}" java -jar "$JAR" >"$TMP/second.log" 2>&1 &
SECOND_PID=$!
PIDS+=("$SECOND_PID")
wait_for 120 curl -fsS "http://127.0.0.1:$MGMT_PORT/actuator/health/readiness" \
  || { tail -n 30 "$TMP/second.log"; fail "the fix the first failure named did not start the service"; }
stop_pid "$SECOND_PID"
log "the first failure named the fix, and the fix started it"

mapfile -t MADE < <(timeout 60 java -jar "$JAR" hash-token 2>/dev/null)
TOKEN="${MADE[0]#token: }"; TOKEN_HASH="${MADE[1]#hash:  }"
[[ -n "$TOKEN" && "$TOKEN_HASH" == sha256:* ]] || fail "hash-token printed no token and hash"
log "starting the jar from $ROOT (config/application.yml) on free loopback ports"
env "${PORTS[@]}" "${LOOPBACK[@]}" ASYNCORE_SECURITY_TOKEN_HASH="$TOKEN_HASH" ASYNCORE_REACTOR_SHUTDOWNGRACE=2s \
    java -jar "$JAR" >"$TMP/app.log" 2>&1 &
PIDS+=($!)
wait_for 120 curl -fsS "http://127.0.0.1:$MGMT_PORT/actuator/health/readiness" || fail "service not ready within 120s"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$BLACKBOX_PORT/probe?target=127.0.0.1:$ECHO_PORT&module=tcp_connect")" == 401 ]] \
  || fail "/probe without the token is not a 401: the container file's credentials are not in force"

# ---- 3. Prometheus with the shipped scrape configuration ---------------------------------------
printf %s "$TOKEN" >"$TMP/$CREDENTIALS_FILE"
promtool check config "$TMP/prometheus.yml" >"$TMP/promtool.log" 2>&1 \
  || { cat "$TMP/promtool.log"; fail "config/prometheus.yml with its credentials file is invalid"; }
log "starting prometheus on 127.0.0.1:$PROM_PORT"
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$TMP/prometheus.log" 2>&1 &
PIDS+=($!)
PROM="http://127.0.0.1:$PROM_PORT"
wait_for 60 curl -fsS "$PROM/-/ready" || fail "prometheus not ready within 60s"

# The samples of a PromQL query as "labels=value" lines, sorted.
prom_query() {
  curl -fsS --get "$PROM/api/v1/query" --data-urlencode "query=$1" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["data"]["result"]:
    m = r["metric"]
    print(",".join("%s=%s" % (k, m[k]) for k in sorted(m) if k != "__name__") + "=" + r["value"][1])' | sort
}
count_is() { [[ "$(prom_query "$1" | wc -l)" -eq "$2" ]]; }

HTTP_TARGET="http://127.0.0.1:$MGMT_PORT/actuator/health/readiness"
TCP_TARGET="127.0.0.1:$ECHO_PORT"
log "waiting for the scrapes (interval 15s, as shipped)"
wait_for 90 count_is 'up{job="asyncore"} == 1' 1 || fail "the self-scrape (job asyncore) is not up: $(prom_query 'up')"
wait_for 90 count_is 'up{job="blackbox"} == 1' 2 || fail "the blackbox targets are not up: $(prom_query 'up{job="blackbox"}')"
SUCCESS="$(prom_query 'probe_success{job="blackbox"} == 1')"
log "probe_success: $(echo "$SUCCESS" | tr '\n' ' ')"
grep -qx "instance=$HTTP_TARGET,job=blackbox,module=http_2xx=1" <<<"$SUCCESS" || fail "no probe_success 1 for $HTTP_TARGET (http_2xx)"
grep -qx "instance=$TCP_TARGET,job=blackbox,module=tcp_connect=1" <<<"$SUCCESS" || fail "no probe_success 1 for $TCP_TARGET (tcp_connect)"
count_is 'asyncore_map_size{job="asyncore"}' 1 || fail "the self-scrape has no asyncore_map_size"
# blackbox_exporter's own self-scrape job, unchanged: /metrics on the exporter port with the token.
wait_for 90 count_is 'up{job="blackbox_exporter"} == 1' 1 \
  || fail "the exporter's self-scrape (job blackbox_exporter) is not up: $(prom_query 'up{job="blackbox_exporter"}')"
count_is 'blackbox_exporter_config_last_reload_successful{job="blackbox_exporter"} == 1' 1 \
  || fail "/metrics has no blackbox_exporter_config_last_reload_successful 1"
count_is 'asyncore_map_size{job="blackbox_exporter"}' 1 || fail "/metrics does not carry the service's own meters"
curl -fsS "$PROM/api/v1/rules" | grep -q '"ProbeScrapeFailing"' || fail "the alert rules are not loaded"

# ---- 4. wrong credentials: down with 401, and the shipped alert says so ------------------------
log "a wrong token in $CREDENTIALS_FILE"
printf %s "not-the-token" >"$TMP/$CREDENTIALS_FILE"
wait_for 60 count_is 'up{job="blackbox"} == 0' 2 || fail "the blackbox targets did not go down with a wrong token"
curl -fsS "$PROM/api/v1/targets?state=active" | python3 -c '
import json, sys
bad = [t for t in json.load(sys.stdin)["data"]["activeTargets"] if t["labels"]["job"] == "blackbox"]
assert len(bad) == 2 and all("401" in t["lastError"] for t in bad), [t["lastError"] for t in bad]' \
  || fail "the blackbox targets are not down with 401"
wait_for 60 count_is 'ALERTS{alertname="ProbeScrapeFailing",alertstate="pending"}' 2 \
  || fail "ProbeScrapeFailing is not pending for both targets: $(prom_query 'ALERTS')"
log "ProbeScrapeFailing pending: $(prom_query 'ALERTS{alertname="ProbeScrapeFailing"}' | tr '\n' ' ')"
