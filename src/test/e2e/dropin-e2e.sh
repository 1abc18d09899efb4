#!/usr/bin/env bash
# A blackbox_exporter deployment switched to the jar without edits (issue 26), checked against the
# real blackbox_exporter (Debian's prometheus-blackbox-exporter 0.23, installed with apt if missing).
# Both run as root inside a network namespace this script creates (and deletes), one after the other,
# started by the same command line, Debian's way: `--config.file FILE --web.listen-address :9115`
# (flag and value as separate words, as /etc/default/prometheus-blackbox-exporter has them), with
# Debian's stock /etc/prometheus/blackbox.yml plus one module holding a password. The same checks run
# against each:
#  - --config.check on that file (exit 0, "ok") and on a file with a misspelt key (non-zero, the key);
#  - /probe with the stock http_2xx, tcp_connect and icmp modules, the hostname parameter as seen by
#    the target, an unknown module (400, blackbox_module_unknown_total 1);
#  - /metrics: blackbox_exporter's self metrics (ours a superset of its blackbox_* names);
#  - / with its recent probes, the /logs?id= link it gives, /config with the password as <secret>;
#  - SIGHUP with a changed file (the new module probes) and then a broken one (the process stays,
#    blackbox_exporter_config_last_reload_successful 0, the old modules still probe).
# Every check must pass for both (a check the reference fails is a wrong expectation: also a FAIL).
# The namespace's ports are its own, so the fixed :9115 of the command line touches nothing outside.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"

if [[ -z "${DROPIN_E2E_NETNS:-}" ]]; then
  # outside: build or find the jar, make the namespace, run this script again inside it
  source "$ROOT/src/test/e2e/e2e-lib.sh"
  if [[ $(id -u) -ne 0 ]]; then
    sudo -n true 2>/dev/null || { echo "FAIL: drop-in end-to-end needs root or sudo -n (network namespace)"; exit 1; }
    exec sudo -n env PATH="$PATH" JAVA_HOME="${JAVA_HOME:-}" bash "$0" "$@"
  fi
  apt_need prometheus-blackbox-exporter prometheus-blackbox-exporter
  JAR="$(service_jar)"
  NS="asyncore-dropin-e2e-$$"
  ip netns add "$NS"
  trap 'ip netns delete "$NS" 2>/dev/null || true' EXIT
  ip -n "$NS" link set lo up
  rc=0
  DROPIN_E2E_NETNS="$NS" DROPIN_E2E_JAR="$JAR" ip netns exec "$NS" bash "$0" "$@" || rc=$?
  exit "$rc"
fi

STARTED=$SECONDS
TMP="$(mktemp -d /tmp/asyncore-dropin-e2e.XXXXXX)"
PIDS=()
curl() { command curl --max-time 30 -sS "$@"; }
source "$ROOT/src/test/e2e/e2e-lib.sh"
e2e_begin dropin-e2e "blackbox_exporter drop-in end-to-end" theirs.log ours.log target.log
BBE="$(command -v prometheus-blackbox-exporter || echo /usr/bin/prometheus-blackbox-exporter)"
JAR="$DROPIN_E2E_JAR"
EXPORTER="http://127.0.0.1:9115"
log "in network namespace $DROPIN_E2E_NETNS"

# ---- the files and the target ------------------------------------------------------------------
cp /etc/prometheus/blackbox.yml "$TMP/blackbox.yml"
echo >>"$TMP/blackbox.yml" # Debian's file ends without a new line
cat >>"$TMP/blackbox.yml" <<'YML'
  with_password:
    prober: http
    http:
      basic_auth:
        username: prober
        password: s3cr3t-dropin-e2e
YML
cp "$TMP/blackbox.yml" "$TMP/original.yml"
cat >"$TMP/misspelt.yml" <<'YML'
modules:
  web:
    prober: http
    http:
      valid_status_code: [200]
YML

# An HTTP target that writes the Host header of every request to target-hosts.
TARGET_PORT=$(free_port)
python3 - "$TARGET_PORT" "$TMP/target-hosts" >"$TMP/target.log" 2>&1 <<'PY' &
import http.server, sys
class Target(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(sys.argv[2], "a") as f:
            f.write(self.headers.get("Host", "") + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Target).serve_forever()
PY
PIDS+=($!)
wait_for 20 curl -f "http://127.0.0.1:$TARGET_PORT/" || fail "the HTTP target did not start"
: >"$TMP/target-hosts"

# ---- the checks, run against one exporter -------------------------------------------------------
# check NAME DESCRIPTION COMMAND...: records "DESCRIPTION ok|FAIL" for exporter NAME.
check() {
  local name=$1 what=$2; shift 2
  if "$@" >/dev/null 2>&1; then echo "$what ok" >>"$TMP/$name.results"; log "$name: ok   $what"
  else echo "$what FAIL" >>"$TMP/$name.results"; log "$name: FAIL $what"; fi
}
probe() { curl -G "$EXPORTER/probe" --data-urlencode "module=$1" --data-urlencode "target=$2" "${@:3}"; }
succeeds() { [[ "$(probe "$@" | awk '$1 == "probe_success" { print $2 }')" == 1 ]]; }
status_of() { curl -o /dev/null -w '%{http_code}' "$@"; }
metric_is() { [[ "$(curl "$EXPORTER/metrics" | awk -v n="$1" '$1 == n { print $2 }')" == "$2" ]]; }
output_has() { grep -Eiq "$1" "$2"; }
output_lacks() { ! grep -q "$1" "$2"; }
host_seen() { [[ "$(tail -n 1 "$TMP/target-hosts")" == "$1" ]]; }
alive() { kill -0 "$1"; }
# The first /logs?id= link of the landing page, fetched.
first_log() {
  local link
  link="$(curl "$EXPORTER/" | grep -o "logs?id=[0-9]*" | head -n 1)"
  [[ -n "$link" ]] && curl -f "$EXPORTER/$link" >"$1"
}

# exercise NAME PROGRAM...: the whole scenario with PROGRAM as the exporter's command.
exercise() {
  local name=$1; shift
  local pid
  : >"$TMP/$name.results"
  # --config.check, both spellings of its file flag
  set +e
  (cd "$TMP" && "$@" --config.check --config.file "$TMP/blackbox.yml") >"$TMP/$name.check-good" 2>&1
  local good=$?
  (cd "$TMP" && "$@" --config.check --config.file="$TMP/misspelt.yml") >"$TMP/$name.check-bad" 2>&1
  local bad=$?
  set -e
  check "$name" "config.check of the stock file exits 0" test "$good" -eq 0
  check "$name" "config.check of the stock file says ok" output_has "ok" "$TMP/$name.check-good"
  check "$name" "config.check of a misspelt key exits non-zero" test "$bad" -ne 0
  check "$name" "config.check names the misspelt key" output_has "valid_status_code" "$TMP/$name.check-bad"

  (cd "$TMP" && exec "$@" --config.file "$TMP/blackbox.yml" --web.listen-address :9115) >"$TMP/$name.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  wait_for 120 curl -f "$EXPORTER/-/healthy" || fail "$name did not answer /-/healthy within 120s"

  check "$name" "http_2xx succeeds" succeeds http_2xx "http://127.0.0.1:$TARGET_PORT/"
  check "$name" "tcp_connect succeeds" succeeds tcp_connect "127.0.0.1:$TARGET_PORT"
  check "$name" "icmp succeeds on 127.0.0.1" succeeds icmp 127.0.0.1
  check "$name" "http_2xx with hostname= succeeds" succeeds http_2xx "http://127.0.0.1:$TARGET_PORT/" \
    --data-urlencode "hostname=dropin.example"
  check "$name" "the target saw Host: dropin.example" host_seen dropin.example
  check "$name" "an unknown module is a 400" test "$(status_of "$EXPORTER/probe?module=nope&target=x")" = 400
  check "$name" "blackbox_module_unknown_total is 1" metric_is blackbox_module_unknown_total 1
  check "$name" "blackbox_exporter_config_last_reload_successful is 1" \
    metric_is blackbox_exporter_config_last_reload_successful 1
  curl "$EXPORTER/metrics" | grep -v '^#' | sed -E 's/[{ ].*//' | grep '^blackbox_' | sort -u >"$TMP/$name.names"
  curl "$EXPORTER/" >"$TMP/$name.landing"
  check "$name" "/ lists the recent probes" output_has "Recent Probes" "$TMP/$name.landing"
  check "$name" "/ links a probe's logs and the link answers" first_log "$TMP/$name.logs"
  check "$name" "the linked logs are a probe's debug output" output_has "Logs for the probe" "$TMP/$name.logs"
  curl "$EXPORTER/config" >"$TMP/$name.config"
  check "$name" "/config shows the password as <secret>" output_has "password: <secret>" "$TMP/$name.config"
  check "$name" "/config does not show the password" output_lacks "s3cr3t-dropin-e2e" "$TMP/$name.config"

  # SIGHUP: a changed file, then a broken one
  cat >>"$TMP/blackbox.yml" <<'YML'
  added_on_sighup:
    prober: tcp
YML
  kill -HUP "$pid"
  check "$name" "after SIGHUP the added module probes" wait_for 30 succeeds added_on_sighup "127.0.0.1:$TARGET_PORT"
  check "$name" "SIGHUP did not stop it" alive "$pid"
  echo "  broken: [" >>"$TMP/blackbox.yml"
  kill -HUP "$pid"
  check "$name" "after SIGHUP with a broken file the reload metric is 0" \
    wait_for 30 metric_is blackbox_exporter_config_last_reload_successful 0
  check "$name" "SIGHUP with a broken file did not stop it" alive "$pid"
  check "$name" "the old modules still probe" succeeds added_on_sighup "127.0.0.1:$TARGET_PORT"

  stop_pid "$pid"
  cp "$TMP/original.yml" "$TMP/blackbox.yml"
}

log "blackbox_exporter $("$BBE" --version 2>&1 | head -n 1 | awk '{ print $3 }'), started as Debian starts it"
exercise theirs "$BBE"
log "the jar, started the same way"
exercise ours java -jar "$JAR"

# ---- the comparison --------------------------------------------------------------------------------
FAILED=0
if grep -q ' FAIL$' "$TMP/theirs.results"; then
  log "the reference fails checks written from its behaviour (a wrong expectation):"
  grep ' FAIL$' "$TMP/theirs.results" | sed 's/^/    /'
  FAILED=1
fi
if grep -q ' FAIL$' "$TMP/ours.results"; then
  log "ours differs from blackbox_exporter in:"
  grep ' FAIL$' "$TMP/ours.results" | sed 's/^/    /'
  FAILED=1
fi
missing="$(comm -23 "$TMP/theirs.names" "$TMP/ours.names" | tr '\n' ' ')"
if [[ -n "$missing" ]]; then
  log "/metrics lacks blackbox_exporter's $missing"
  FAILED=1
fi
[[ $FAILED -eq 0 ]] || fail "the drop-in differs from blackbox_exporter (above)"
log "$(wc -l <"$TMP/ours.results") checks agree; /metrics has all of $(wc -l <"$TMP/theirs.names") blackbox_* names of theirs"
