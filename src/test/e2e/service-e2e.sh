#!/usr/bin/env bash
# End-to-end check of the service as the container runs it, without a Docker engine:
#  1. lints the Dockerfile (dockerfilelint);
#  2. lays the jar out as the image does (extracted layers + config/application.yml in one work
#     directory) and starts it with the image's ENV and ENTRYPOINT, as a non-root user;
#  3. checks health, TCP and UDP echo, and that a taken port fails startup with a clear message;
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
timeout 120 java -Djarmode=tools -jar "$JAR" extract --layers --launcher --destination "$TMP/layers" >/dev/null
WORK="$TMP/app"                                     # plays the image's WORKDIR /app
mkdir -p "$WORK"
# The Dockerfile's COPY --from=build /layers/<layer>/ ./ lines, in their order.
for layer in $(sed -n 's#^COPY --from=build /layers/\([a-z-]*\)/ \./$#\1#p' Dockerfile); do
  cp -a "$TMP/layers/$layer/." "$WORK/"
done
[[ -d "$WORK/org/springframework/boot/loader" && -d "$WORK/BOOT-INF/lib" ]] || fail "layers not laid out as in the image"
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
PROM_PORT=$(free_port)
APP_ENV=(env -i PATH="$PATH" HOME=/tmp "JAVA_TOOL_OPTIONS=$JAVA_TOOL_OPTIONS_IMAGE"
  ASYNCORE_BIND_HOST=127.0.0.1 HTTP_PORT="$HTTP_PORT" ASYNCORE_ECHO_PORT="$ECHO_PORT"
  ASYNCORE_ECHO_UDP_PORT="$ECHO_UDP_PORT" ASYNCORE_DISCARD_PORT="$DISCARD_PORT"
  ASYNCORE_REACTOR_SHUTDOWNGRACE=3s)

log "starting '${ENTRYPOINT[*]}' in $WORK as $RUN_USER (http $HTTP_PORT, echo $ECHO_PORT tcp+udp)"
(cd "$WORK" && exec "${RUN_AS[@]}" "${APP_ENV[@]}" "${ENTRYPOINT[@]}") >"$TMP/app.log" 2>&1 &
APP_PID=$!

BASE="http://127.0.0.1:$HTTP_PORT"
wait_for 120 curl -fsS "$BASE/actuator/health/readiness" || fail "service not ready within 120s"
JAVA_PID="$(pgrep -f -n -u "$RUN_USER" 'org.springframework.boot.loader.launch.JarLauncher' || true)"
[[ -n "$JAVA_PID" ]] || fail "no JarLauncher process of user $RUN_USER"
[[ "$(ps -o uid= -p "$JAVA_PID" | tr -d ' ')" != "0" ]] || fail "the service runs as root"
[[ "$(readlink "/proc/$JAVA_PID/cwd")" == "$WORK" ]] || fail "the service does not run from the work directory"
grep -q "Listener 'echo' (echo tcp) bound to 127.0.0.1:$ECHO_PORT" "$TMP/app.log" \
  || fail "config/application.yml from the work directory was not used"

# ---- 3. health, echo, taken port --------------------------------------------------------------
log "health and echo"
HEALTH="$(curl -fsS "$BASE/actuator/health")"
python3 - "$HEALTH" <<'PY' || fail "health is not UP with the reactor and its listeners: $HEALTH"
import json, sys
h = json.loads(sys.argv[1])
r = h["components"]["reactor"]
assert h["status"] == "UP" and r["status"] == "UP", h
assert set(r["details"]["listeners"]) == {"echo", "echo-udp", "discard"}, r
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
  code="$(curl -s -o /dev/null -w '%{http_code}' "$BASE/actuator/$hidden")"
  [[ "$code" == 404 ]] || fail "/actuator/$hidden answered $code, expected 404"
done

log "a second instance on the same ports must fail startup"
set +e
(cd "$WORK" && exec "${RUN_AS[@]}" "${APP_ENV[@]}" "HTTP_PORT=$(free_port)" timeout 120 "${ENTRYPOINT[@]}") >"$TMP/taken.log" 2>&1
TAKEN_RC=$?
set -e
[[ $TAKEN_RC -ne 0 && $TAKEN_RC -ne 124 ]] || fail "second instance exited with $TAKEN_RC"
grep -q "asyncore.listeners\[0\].port: listener 'echo' cannot bind tcp 127.0.0.1:$ECHO_PORT" "$TMP/taken.log" \
  || { tail -n 30 "$TMP/taken.log"; fail "no clear message for the taken port"; }

# ---- 4. Prometheus ----------------------------------------------------------------------------
log "promtool checks of config/prometheus.yml and config/alert-rules.yml"
promtool check config config/prometheus.yml >/dev/null || fail "config/prometheus.yml is invalid"
promtool check rules config/alert-rules.yml >/dev/null || fail "config/alert-rules.yml is invalid"

# The shipped scrape config, pointed at this instance and scraping every second.
sed -e "s#127.0.0.1:8080#127.0.0.1:$HTTP_PORT#" -e 's#scrape_interval: 15s#scrape_interval: 1s#' \
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
