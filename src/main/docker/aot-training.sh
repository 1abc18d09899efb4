#!/usr/bin/env bash
# The image's AOT training run (JEP 483/514/515), run by the Dockerfile in /app:
#   aot-training.sh CACHE [JVM OPTION...]
# starts `java -XX:AOTCacheOutput=CACHE OPTIONS -jar app.jar` with the image's configuration on free
# loopback ports (port 0, read back from the log), drives what the service does in production --
# /probe of the http, tcp and dns probers against its own listeners (blackbox_exporter's modules:
# http_2xx of its health page, tcp_connect and a query_response dialogue with its echo listener, DNS
# over UDP and TCP to its echo listeners, which send the query back, so they run to their timeout), TCP and UDP echo, Prometheus
# scrapes and health checks -- then stops it with SIGTERM, as `docker stop` does. At exit the JVM
# writes CACHE: the classes loaded and linked on these paths, so the service starts and warms up from
# them (method profiles too, unless OPTIONS say -XX:-AOTRecordTraining, as the image's do). The OPTIONS must be the ENTRYPOINT's (GC, object headers): a cache
# made with others is refused at start. Nothing but bash, coreutils and the JVM is needed.
# With the blackbox-slot profile (SPRING_PROFILES_ACTIVE, as the Dockerfile's PROFILE sets it) there
# is no Tomcat: http_2xx probes the blackbox listener's /-/healthy, its /metrics is the only scrape,
# and there is no /fetch or Actuator to call.
set -euo pipefail
CACHE=$1; shift
ROUNDS=${AOT_TRAINING_ROUNDS:-4}
WORK="$(mktemp -d)"
LOG="$WORK/app.log"
TOKEN="$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')"
cat >"$WORK/blackbox.yml" <<'YML'
modules:
  http_2xx:
    prober: http
    timeout: 5s
  tcp_connect:
    prober: tcp
    timeout: 5s
  tcp_echo:
    prober: tcp
    timeout: 5s
    tcp:
      query_response:
        - send: "PING training"
        - expect: "^PING (.+)$"
        - send: "PONG ${1}"
        - expect: "^PONG"
  dns_udp:
    prober: dns
    timeout: 500ms
    dns:
      query_name: localhost
      query_type: A
  dns_tcp:
    prober: dns
    timeout: 500ms
    dns:
      query_name: localhost
      query_type: AAAA
      transport_protocol: tcp
YML

# Loopback only, every port chosen by the kernel, a token as the image's users pass one.
: >"$LOG"
env ASYNCORE_BIND_HOST=127.0.0.1 HTTP_ADDRESS=127.0.0.1 MANAGEMENT_ADDRESS=127.0.0.1 HTTP_PORT=0 \
    MANAGEMENT_PORT=0 ASYNCORE_BLACKBOX_PORT=0 ASYNCORE_ECHO_PORT=0 ASYNCORE_ECHO_UDP_PORT=0 \
    ASYNCORE_DISCARD_PORT=0 ASYNCORE_BLACKBOX_CONFIG="$WORK/blackbox.yml" \
    ASYNCORE_SECURITY_TOKEN_HASH="sha256:$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)" \
    java -XX:AOTCacheOutput="$CACHE" "$@" -jar app.jar >"$LOG" 2>&1 &
PID=$!
trap 'kill -9 "$PID" 2>/dev/null || true; [[ -n ${AOT_TRAINING_LOG:-} ]] && cp "$LOG" "$AOT_TRAINING_LOG"; rm -rf "$WORK"' EXIT
fail() { echo "AOT training: $*" >&2; tail -n 30 "$LOG" >&2; exit 1; }

for _ in $(seq 1 600); do      # up to 5 minutes for the start on a busy builder
  grep -q 'Started AsyncoreApplication' "$LOG" && break
  kill -0 "$PID" 2>/dev/null || fail "the service exited during its start"
  sleep 0.5
done
grep -q 'Started AsyncoreApplication' "$LOG" || fail "the service did not start within 5 minutes"
STARTED_AT=$SECONDS
bound() { sed -n "s/.*Listener '$1' ([a-z]* $2) bound to 127\.0\.0\.1:\([0-9]*\).*/\1/p" "$LOG" | head -n 1; }
BLACKBOX=$(bound blackbox tcp); ECHO=$(bound echo tcp); ECHO_UDP=$(bound echo-udp udp); DISCARD=$(bound discard tcp)
mapfile -t TOMCAT < <(sed -n 's/.*Tomcat started on port \([0-9]*\).*/\1/p' "$LOG")
HTTP=${TOMCAT[0]:-}; MANAGEMENT=${TOMCAT[1]:-}
[[ -n $BLACKBOX && -n $ECHO && -n $ECHO_UDP && -n $DISCARD ]] \
  || fail "ports not found in the log (blackbox=$BLACKBOX echo=$ECHO/$ECHO_UDP discard=$DISCARD)"
PROFILES=${SPRING_PROFILES_ACTIVE:-}
if [[ ,${PROFILES// /}, == *,blackbox-slot,* ]]; then
  SLOT=1
  [[ -z $HTTP ]] || fail "a Tomcat started on port $HTTP with the blackbox-slot profile"
  HEALTH_URL="http://127.0.0.1:$BLACKBOX/-/healthy"
else
  SLOT=
  [[ -n $HTTP && -n $MANAGEMENT ]] || fail "the HTTP and management ports not found in the log (http=$HTTP management=$MANAGEMENT)"
  HEALTH_URL="http://127.0.0.1:$MANAGEMENT/actuator/health/liveness"
fi

# One HTTP/1.0 request; prints the status code.
get() {   # port path [header]
  local status
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n%s\r\n' "$2" "${3:+$3$'\r\n'}" >&3
  read -r _ status _ <&3 || status=none
  while read -r _ <&3; do :; done
  exec 3<&-
  echo "$status"
}
probe() { get "$BLACKBOX" "/probe?module=$1&target=$2" "Authorization: Bearer $TOKEN"; }
echo_tcp() { exec 4<>"/dev/tcp/127.0.0.1/$ECHO"; printf 'hello %s\n' "$1" >&4; read -r -t 5 _ <&4; exec 4<&-; }
echo_udp() { exec 5<>"/dev/udp/127.0.0.1/$ECHO_UDP"; printf 'hello %s' "$1" >&5; read -r -t 5 -N 7 _ <&5 || true; exec 5<&-; }

ok=0
for round in $(seq 1 "$ROUNDS"); do
  for i in $(seq 1 25); do
    [[ $(probe http_2xx "$HEALTH_URL") == 200 ]] && ok=$((ok + 1))
    probe tcp_connect "127.0.0.1:$ECHO" >/dev/null
    probe tcp_echo "127.0.0.1:$ECHO" >/dev/null
    if [[ $((i % 5)) == 0 ]]; then   # an echoed query is no answer: these wait for their timeout
      probe dns_udp "127.0.0.1:$ECHO_UDP" >/dev/null
      probe dns_tcp "127.0.0.1:$ECHO" >/dev/null
    fi
    echo_tcp "$round.$i"
    echo_udp "$i"
  done
  get "$BLACKBOX" /metrics "Authorization: Bearer $TOKEN" >/dev/null
  if [[ -z $SLOT ]]; then
    get "$MANAGEMENT" /actuator/prometheus >/dev/null
    get "$MANAGEMENT" /actuator/health/readiness >/dev/null
    get "$HTTP" "/fetch?url=http://127.0.0.1:$HTTP/" "Authorization: Bearer $TOKEN" >/dev/null
  fi
done
[[ $ok -gt 0 ]] || fail "no http_2xx /probe answered 200"

LOADED_AT=$SECONDS
kill -TERM "$PID"
rc=0; wait "$PID" || rc=$?
trap '[[ -n ${AOT_TRAINING_LOG:-} ]] && cp "$LOG" "$AOT_TRAINING_LOG"; rm -rf "$WORK"' EXIT
[[ -s $CACHE ]] || fail "no AOT cache written (exit status $rc)"
echo "AOT training${SLOT:+ (blackbox-slot)}: started in ${STARTED_AT}s; $((ROUNDS * (25 * 3 + 5 * 2))) probes ($ok http_2xx answered 200) and $((ROUNDS * 25)) TCP and UDP echoes in $((LOADED_AT - STARTED_AT))s; stopped (exit $rc) and wrote $(du -h "$CACHE" | cut -f1) $CACHE in $((SECONDS - LOADED_AT))s"
