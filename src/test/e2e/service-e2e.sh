#!/usr/bin/env bash
# End-to-end check of the service as the container runs it, without a Docker engine:
#  1. lints the Dockerfile (dockerfilelint);
#  2. lays the jar out as the image does (extracted layers + config/application.yml in one work
#     directory) and starts it with the image's ENV and ENTRYPOINT, as a non-root user;
#  3. checks health, TCP and UDP echo, and that a taken port fails startup with a clear message;
#     checks the HTTP surface: the API needs the bearer token given through the environment (401
#     without, 403 by the fetch policy with it), Actuator on its own port with prometheus and health
#     open, health details and the reactor endpoint for the token only, the Dockerfile's HEALTHCHECK
#     passes; and that the configuration without any credential refuses to start, naming the property;
#  4. lets a real Prometheus scrape it (the shipped prometheus.yml and alert rules) and queries its
#     HTTP API for asyncore_map_size and the echo listener's asyncore_bytes_total;
#  5. stops the service with SIGTERM and checks the graceful drain.
# Loopback only; every wait is bounded; processes are cleaned up on exit. Prints PASS or FAIL.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
STARTED=$SECONDS
TMP="$(mktemp -d /tmp/asyncore-e2e.XXXXXX)"
APP_PID=""
PROM_PID=""
RUN_USER=asyncore
RUN_UID=10001

# Every HTTP call is bounded.
curl() { command curl --max-time 10 "$@"; }
log() { printf '[e2e %3ds] %s\n' "$((SECONDS - STARTED))" "$*"; }
fail() {
  log "FAIL: $*"
  for f in "$TMP/app.log" "$TMP/prometheus.log"; do
    [[ -f "$f" ]] && { echo "---- tail of $f"; tail -n 40 "$f"; }
  done
  exit 1
}
cleanup() {
  local rc=$?
  for pid in "$APP_PID" "$PROM_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$TMP"
  if [[ $rc -eq 0 ]]; then echo "PASS: service end-to-end ($((SECONDS - STARTED))s)"; else echo "FAIL: service end-to-end (exit $rc)"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for, free_port, as_root
source "$ROOT/src/test/e2e/e2e-lib.sh"

# ---- tools -------------------------------------------------------------------------------------
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  log "installing prometheus (apt)"
  as_root timeout 600 apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends prometheus >/dev/null
fi
# Debian's package may start its own daemon; this script runs its own instance on another port.
if ! command -v dockerfilelint >/dev/null; then
  log "installing dockerfilelint (npm)"
  as_root timeout 600 npm install -g --no-fund --no-audit dockerfilelint >/dev/null
fi

# ---- 1. Dockerfile lint ------------------------------------------------------------------------
log "dockerfilelint Dockerfile"
dockerfilelint Dockerfile || fail "dockerfilelint reported issues"

# ---- 2. the image's layout -------------------------------------------------------------------
JAR="$(ls target/asyncore-service-*.jar 2>/dev/null | grep -v -- '-plain' | head -n 1 || true)"
if [[ -z "$JAR" ]]; then
  log "no jar in target/: packaging"
  timeout 900 ./mvnw -B -q package -DskipTests
  JAR="$(ls target/asyncore-service-*.jar | head -n 1)"
fi
log "extracting layers of $JAR"
# As the Dockerfile does: the jar copied to app.jar, extracted into layers (app.jar + lib/).
cp "$JAR" "$TMP/app.jar"
timeout 120 java -Djarmode=tools -jar "$TMP/app.jar" extract --layers --destination "$TMP/layers" >/dev/null
WORK="$TMP/app"                                     # plays the image's WORKDIR /app
mkdir -p "$WORK"
# The Dockerfile's COPY --from=build /layers/<layer>/ ./ lines, in their order.
for layer in $(sed -n 's#^COPY --from=build /layers/\([a-z-]*\)/ \./$#\1#p' Dockerfile); do
  cp -a "$TMP/layers/$layer/." "$WORK/"
done
[[ -f "$WORK/app.jar" && -d "$WORK/lib" ]] || fail "layers not laid out as in the image"
mkdir -p "$WORK/config"
cp config/application.yml "$WORK/config/application.yml"
chmod -R a+rX "$TMP"

# The image's ENTRYPOINT and JAVA_TOOL_OPTIONS, read from the Dockerfile itself.
mapfile -t ENTRYPOINT < <(python3 -c 'import json,re,sys
line=[l for l in open("Dockerfile") if l.startswith("ENTRYPOINT")][-1]
print("\n".join(json.loads(line[len("ENTRYPOINT"):])))')
JAVA_TOOL_OPTIONS_IMAGE="$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="\(.*\)"$/\1/p' Dockerfile)"
[[ ${#ENTRYPOINT[@]} -gt 0 && -n "$JAVA_TOOL_OPTIONS_IMAGE" ]] || fail "cannot read ENTRYPOINT/ENV from Dockerfile"

# The image's non-root user.
if [[ $(id -u) -eq 0 ]]; then
  id "$RUN_USER" >/dev/null 2>&1 || useradd --system --uid "$RUN_UID" --user-group --no-create-home \
    --shell /usr/sbin/nologin "$RUN_USER" 2>/dev/null || useradd --system --user-group --no-create-home "$RUN_USER"
  RUN_AS=(runuser -u "$RUN_USER" --)
else
  RUN_USER="$(id -un)"
  RUN_AS=()
fi

HTTP_PORT=$(free_port); ECHO_PORT=$(free_port); ECHO_UDP_PORT=$(free_port); DISCARD_PORT=$(free_port)
PROM_PORT=$(free_port); MGMT_PORT=$(free_port)
# A token and its hash, made as src/docs/security.md says; the service gets only the hash.
mapfile -t MADE < <(timeout 60 java -jar "$JAR" hash-token 2>/dev/null)
TOKEN="${MADE[0]#token: }"; TOKEN_HASH="${MADE[1]#hash:  }"
[[ "$TOKEN_HASH" == "sha256:$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)" ]] \
  || fail "hash-token printed '${MADE[*]}', not a token and its sha256sum"
# The image's environment, on loopback: the addresses and ports are placeholders of config/application.yml.
BASE_ENV=(env -i PATH="$PATH" HOME=/tmp "JAVA_TOOL_OPTIONS=$JAVA_TOOL_OPTIONS_IMAGE"
  ASYNCORE_BIND_HOST=127.0.0.1 HTTP_PORT="$HTTP_PORT" ASYNCORE_ECHO_PORT="$ECHO_PORT"
  ASYNCORE_ECHO_UDP_PORT="$ECHO_UDP_PORT" ASYNCORE_DISCARD_PORT="$DISCARD_PORT"
  MANAGEMENT_PORT="$MGMT_PORT" ASYNCORE_BLACKBOX_PORT="$(free_port)" ASYNCORE_REACTOR_SHUTDOWNGRACE=3s)
APP_ENV=("${BASE_ENV[@]}" HTTP_ADDRESS=127.0.0.1 MANAGEMENT_ADDRESS=127.0.0.1
  ASYNCORE_SECURITY_TOKEN_HASH="$TOKEN_HASH")
AUTH=(-H "Authorization: Bearer $TOKEN")

log "the container configuration without a credential must refuse to start"
set +e
(cd "$WORK" && exec "${RUN_AS[@]}" "${BASE_ENV[@]}" timeout 120 "${ENTRYPOINT[@]}") >"$TMP/open.log" 2>&1
OPEN_RC=$?
set -e
[[ $OPEN_RC -ne 0 && $OPEN_RC -ne 124 ]] || fail "the service started without credentials (exit $OPEN_RC)"
grep -q "APPLICATION FAILED TO START" "$TMP/open.log" || { tail -n 30 "$TMP/open.log"; fail "no startup failure report"; }
grep -q "asyncore.security.tokens: HTTP listens on 0.0.0.0 (server.address)" "$TMP/open.log" \
  && grep -q "asyncore.security.allow-anonymous: true" "$TMP/open.log" \
  || { tail -n 30 "$TMP/open.log"; fail "the refusal does not name the properties"; }

log "starting '${ENTRYPOINT[*]}' in $WORK as $RUN_USER (http $HTTP_PORT, echo $ECHO_PORT tcp+udp)"
(cd "$WORK" && exec "${RUN_AS[@]}" "${APP_ENV[@]}" "${ENTRYPOINT[@]}") >"$TMP/app.log" 2>&1 &
APP_PID=$!

BASE="http://127.0.0.1:$HTTP_PORT"
MGMT="http://127.0.0.1:$MGMT_PORT"
wait_for 120 curl -fsS "$MGMT/actuator/health/readiness" || fail "service not ready within 120s"
JAVA_PID="$(pgrep -f -n -u "$RUN_USER" 'java .*app[.]jar' || true)"
[[ -n "$JAVA_PID" ]] || fail "no java process of user $RUN_USER running app.jar"
[[ "$(ps -o uid= -p "$JAVA_PID" | tr -d ' ')" != "0" ]] || fail "the service runs as root"
[[ "$(readlink "/proc/$JAVA_PID/cwd")" == "$WORK" ]] || fail "the service does not run from the work directory"
grep -q "Listener 'echo' (echo tcp) bound to 127.0.0.1:$ECHO_PORT" "$TMP/app.log" \
  || fail "config/application.yml from the work directory was not used"

# ---- 3. health, echo, taken port --------------------------------------------------------------
log "health and echo"
HEALTH="$(curl -fsS "${AUTH[@]}" "$MGMT/actuator/health")"
python3 - "$HEALTH" <<'PY' || fail "health is not UP with the reactor and its listeners: $HEALTH"
import json, sys
h = json.loads(sys.argv[1])
r = h["components"]["reactor"]
assert h["status"] == "UP" and r["status"] == "UP", h
assert set(r["details"]["listeners"]) == {"echo", "echo-udp", "discard", "blackbox"}, r
PY
ECHO_BYTES=100000
python3 - "$ECHO_PORT" "$ECHO_UDP_PORT" "$ECHO_BYTES" <<'PY' || fail "echo failed"
import socket, sys
tcp, udp, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
msg = bytes(i % 251 for i in range(n))
with socket.create_connection(("127.0.0.1", tcp), timeout=10) as s:
    s.sendall(msg)
    s.shutdown(socket.SHUT_WR)
    got = bytearray()
    while chunk := s.recv(65536):
        got += chunk
assert bytes(got) == msg, f"tcp echo returned {len(got)} of {n} bytes"
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
    u.settimeout(10)
    u.sendto(b"ping", ("127.0.0.1", udp))
    assert u.recvfrom(100)[0] == b"ping"
PY
for hidden in env beans metrics; do
  code="$(curl -s -o /dev/null -w '%{http_code}' "${AUTH[@]}" "$MGMT/actuator/$hidden")"
  [[ "$code" == 404 ]] || fail "/actuator/$hidden answered $code, expected 404"
done

log "the HTTP surface: API on $HTTP_PORT needs the token, Actuator on $MGMT_PORT"
# status and content type of a request: code CURL-ARGS...
answer() { curl -s -o "$TMP/answer" -w '%{http_code} %{content_type}' "$@"; }
METADATA=(--get "$BASE/fetch" --data-urlencode 'url=http://169.254.169.254/latest/meta-data/')
[[ "$(answer "${METADATA[@]}")" == "401 application/problem+json" ]] || fail "/fetch without a token: $(cat "$TMP/answer")"
curl -s -D - -o /dev/null "${METADATA[@]}" | grep -qi '^WWW-Authenticate: Bearer realm="asyncore"' \
  || fail "/fetch without a token: no WWW-Authenticate challenge"
[[ "$(answer -H 'Authorization: Bearer wrong' "${METADATA[@]}")" == "401 application/problem+json" ]] \
  || fail "/fetch with a wrong token: $(cat "$TMP/answer")"
# with the token the request reaches the fetch policy, which refuses the metadata address
[[ "$(answer "${AUTH[@]}" "${METADATA[@]}")" == "403 application/problem+json" ]] \
  && grep -q 'urn:asyncore:fetch:refused' "$TMP/answer" || fail "/fetch with the token: $(cat "$TMP/answer")"
curl -s -D - -o /dev/null "${AUTH[@]}" "${METADATA[@]}" | grep -qi '^Cache-Control:.*no-store' \
  || fail "/fetch answers without Cache-Control: no-store"
! curl -s -D - -o /dev/null "${AUTH[@]}" "${METADATA[@]}" | grep -qi '^Server:' || fail "/fetch answers with a Server header"
[[ "$(answer "$MGMT/actuator/reactor")" == "401 application/problem+json" ]] || fail "reactor endpoint open"
[[ "$(answer "${AUTH[@]}" "$MGMT/actuator/reactor")" == 200* ]] || fail "reactor endpoint refused the token"
[[ "$(answer "$MGMT/actuator/prometheus")" == 200* ]] || fail "prometheus is not open on the management port"
curl -fsS "$MGMT/actuator/health" | python3 -c 'import json, sys; h = json.load(sys.stdin); assert h["status"] == "UP" and "components" not in h, h' \
  || fail "health without a token is not UP without details"
[[ "$(answer "$BASE/actuator/prometheus")" == "401 application/problem+json" ]] || fail "Actuator answers on the API port"
# The image's HEALTHCHECK, as the engine runs it (exec form, the container's environment).
mapfile -t HEALTHCHECK_CMD < <(sed -n 's/^ *CMD \(\[.*\]\)$/\1/p' Dockerfile | head -n 1 \
  | python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)))')
[[ "${HEALTHCHECK_CMD[*]}" == *actuator/health* ]] || fail "cannot read the HEALTHCHECK command from Dockerfile"
MANAGEMENT_PORT="$MGMT_PORT" "${HEALTHCHECK_CMD[@]}" >/dev/null || fail "the Dockerfile's HEALTHCHECK fails"
MANAGEMENT_PORT="$(free_port)" "${HEALTHCHECK_CMD[@]}" >/dev/null 2>&1 && fail "the HEALTHCHECK passes with nothing on its port"

log "a second instance on the same ports must fail startup"
set +e
# a free blackbox port, so that the first listener to find its port taken is echo (binding stops there)
(cd "$WORK" && exec "${RUN_AS[@]}" "${APP_ENV[@]}" "HTTP_PORT=$(free_port)" "MANAGEMENT_PORT=$(free_port)" \
  "ASYNCORE_BLACKBOX_PORT=$(free_port)" \
  timeout 120 "${ENTRYPOINT[@]}") >"$TMP/taken.log" 2>&1
TAKEN_RC=$?
set -e
[[ $TAKEN_RC -ne 0 && $TAKEN_RC -ne 124 ]] || fail "second instance exited with $TAKEN_RC"
grep -q "asyncore.listeners\[[0-9]*\].port: listener 'echo' cannot bind tcp 127.0.0.1:$ECHO_PORT" "$TMP/taken.log" \
  || { tail -n 30 "$TMP/taken.log"; fail "no clear message for the taken port"; }

# ---- 4. Prometheus ----------------------------------------------------------------------------
log "promtool checks of config/prometheus.yml and config/alert-rules.yml"
# --syntax-only: the blackbox job's credentials_file is the user's (shipped-config-e2e.sh checks it in full)
promtool check config --syntax-only config/prometheus.yml >/dev/null || fail "config/prometheus.yml is invalid"
promtool check rules config/alert-rules.yml >/dev/null || fail "config/alert-rules.yml is invalid"

# The shipped scrape config, pointed at this instance and scraping every second.
sed -e "s#127.0.0.1:9090#127.0.0.1:$MGMT_PORT#" -e 's#scrape_interval: 15s#scrape_interval: 1s#' \
    -e 's#evaluation_interval: 15s#evaluation_interval: 1s#' \
    -e "s#- alert-rules.yml#- $ROOT/config/alert-rules.yml#" \
    config/prometheus.yml >"$TMP/prometheus.yml"
log "starting prometheus on 127.0.0.1:$PROM_PORT"
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$TMP/prometheus.log" 2>&1 &
PROM_PID=$!
PROM="http://127.0.0.1:$PROM_PORT"
wait_for 60 curl -fsS "$PROM/-/ready" || fail "prometheus not ready within 60s"

# Value of the first sample of a PromQL query, or nothing.
prom_value() {
  curl -fsS --get "$PROM/api/v1/query" --data-urlencode "query=$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")'
}
has_sample() { [[ -n "$(prom_value "$1")" ]]; }
positive() { python3 -c 'import sys; sys.exit(0 if float(sys.argv[1] or 0) > 0 else 1)' "$(prom_value "$1")"; }

wait_for 60 has_sample 'asyncore_map_size{job="asyncore"}' || fail "prometheus has no asyncore_map_size"
wait_for 60 positive 'asyncore_bytes_total{job="asyncore",listener="echo",direction="received"}' \
  || fail "prometheus has no non-zero asyncore_bytes_total for the echo listener"
RECEIVED="$(prom_value 'asyncore_bytes_total{job="asyncore",listener="echo",direction="received"}')"
MAP_SIZE="$(prom_value 'asyncore_map_size{job="asyncore"}')"
log "prometheus: asyncore_map_size=$MAP_SIZE, echo bytes received=$RECEIVED"
[[ "${RECEIVED%%.*}" == "$ECHO_BYTES" ]] || fail "expected $ECHO_BYTES bytes received, prometheus has $RECEIVED"
curl -fsS "$PROM/api/v1/rules" | grep -q '"AsyncoreListenerUnbound"' || fail "alert rules not loaded"
wait_for 30 has_sample 'up{job="asyncore"} == 1' || fail "target not up in prometheus"

# ---- 5. graceful stop -------------------------------------------------------------------------
log "SIGTERM"
kill -TERM "$JAVA_PID"
deadline=$((SECONDS + 30))
while kill -0 "$JAVA_PID" 2>/dev/null; do
  [[ $SECONDS -lt $deadline ]] || fail "service did not stop within 30s of SIGTERM"
  sleep 0.2
done
wait "$APP_PID" 2>/dev/null || true
APP_PID=""
grep -q "Drained in" "$TMP/app.log" || fail "no graceful drain in the log"
log "stopped cleanly"
