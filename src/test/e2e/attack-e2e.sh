#!/usr/bin/env bash
# The combined attack of issue 22, against the packaged jar under -Xmx256m, all at once:
#  - 40 body-keeping probes (fail_if_body_not_matches_regexp) of a target that sends 10 MiB less
#    64 KiB and stalls;
#  - 200 probes with X-Prometheus-Scrape-Timeout-Seconds: Infinity (a module without timeout) of a
#    silent target, whose callers hang up after 1 s;
#  - debug=true on modules with a basic_auth password and a bearer_token;
#  - 500 slow heads (one byte a second) against the exporter port, whose max-connections is 300;
#  - gzip bombs (1 GiB decoded, about 1 MB on the wire) and corrupt gzip to compression modules;
#  - throughout, an echo client timing a round trip every 50 ms, and a fresh /probe every 4 s; the
#    same client times a Python asyncore echo server beside it, the control for the machine's stalls.
# The attackers (the hostile targets, the slow heads, the ~270 probe requests) run at nice 10: they
# stand for remote peers, and on a two-core machine at the service's own priority their processes
# would take the CPU from the JVM and the echo client, measuring the scheduler rather than the service.
# Asserted: the process alive, /actuator/health UP, no OutOfMemoryError in the log, every fresh
# /probe answered (probe_success 1) within 5 s, no secret in any answer or the log, the corrupt and
# bomb bodies failing their probes, and echo round trips p99 < 200 ms (p50, p99 and max printed).
# Loopback and free ports only; every wait is bounded; processes are cleaned up on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
STARTED=$SECONDS
TMP="$(mktemp -d /tmp/asyncore-attack-e2e.XXXXXX)"
PIDS=()
ATTACK_SECONDS=40
PASSWORD="attack-basic-S3cret-7d1f"
TOKEN="attack-bearer-S3cret-94ce"

# shellcheck source=e2e-lib.sh
source "$ROOT/src/test/e2e/e2e-lib.sh"
# On one machine the attackers would take the CPU that remote peers never take from the service (the
# ~270 curl processes and the targets start in the same second, each runnable at nice 10). So they
# share one CPU control group of the least weight where the machine lets us make one (root with the
# cgroup v1 cpu controller, or cgroup v2 with cpu enabled): together they get the CPU the service
# leaves, and any idle CPU. Elsewhere they run at nice 10 only, and the log says so.
ATTACKERS=""
for base in /sys/fs/cgroup/cpu /sys/fs/cgroup; do
  if [[ -f "$base/cpu.shares" ]] && mkdir -p "$base/asyncore-attack-e2e" 2>/dev/null \
      && echo 2 >"$base/asyncore-attack-e2e/cpu.shares" 2>/dev/null; then
    ATTACKERS="$base/asyncore-attack-e2e"; break
  fi
  if grep -qw cpu "$base/cgroup.subtree_control" 2>/dev/null && mkdir -p "$base/asyncore-attack-e2e" 2>/dev/null \
      && echo 1 >"$base/asyncore-attack-e2e/cpu.weight" 2>/dev/null; then
    ATTACKERS="$base/asyncore-attack-e2e"; break
  fi
done
# Always started in the background: exec, so that $! is the attacker itself and the exit trap stops it.
attacker() {
  [[ -z "$ATTACKERS" ]] || echo "$BASHPID" >"$ATTACKERS/cgroup.procs"
  exec nice -n 10 "$@"
}
e2e_begin attack-e2e "combined attack end-to-end" app.log gc.log target.log echo.log slow.log
log "attackers: nice 10$([[ -z "$ATTACKERS" ]] && echo ', no CPU control group (not root, or no cpu controller)' || echo " in the CPU control group $ATTACKERS")"

command -v python3 >/dev/null && command -v curl >/dev/null || { apt_need python3 python3; apt_need curl curl; }
JAR="$(service_jar)"
mkdir -p "$TMP/work" "$TMP/out"

# ---- the targets ---------------------------------------------------------------------------------
cat >"$TMP/target.py" <<'PY'
"""Hostile HTTP targets on one port: /big (10 MiB announced, 64 KiB short of it sent, then a stall),
/silent (no answer), /bomb (1 GiB of zeros gzipped), /corrupt (a gzip header, then junk), /ok.
With the argument "ok": a benign target, /ok only (no bomb made)."""
import os, socket, sys, threading, zlib

BENIGN = sys.argv[1:] == ["ok"]
deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
zeros = bytes(1 << 20)
BOMB = b"" if BENIGN else b"".join(deflate.compress(zeros) for _ in range(1024)) + deflate.flush()
CORRUPT = bytes([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]) + os.urandom(8192)
BIG = 10 << 20

def stall(conn):
    conn.settimeout(120)
    try:
        while conn.recv(4096):
            pass
    except OSError:
        pass

def answer(conn, body, headers=""):
    conn.sendall(("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%sConnection: close\r\n\r\n" % (len(body), headers)).encode()
                 + body)

def handle(conn):
    try:
        conn.settimeout(30)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return
            head += chunk
        path = head.split(b" ")[1].decode()
        if BENIGN:
            answer(conn, b"hello")
        elif path.startswith("/big"):
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % BIG)
            block = b"x" * (64 << 10)
            for _ in range(BIG // len(block) - 1):
                conn.sendall(block)
            stall(conn)
        elif path.startswith("/silent"):
            stall(conn)
        elif path.startswith("/bomb"):
            answer(conn, BOMB, "Content-Encoding: gzip\r\n")
        elif path.startswith("/corrupt"):
            answer(conn, CORRUPT, "Content-Encoding: gzip\r\n")
        else:
            answer(conn, b"hello")
    except OSError:
        pass
    finally:
        conn.close()

server = socket.create_server(("127.0.0.1", 0), backlog=1024)
print("PORT %d BOMB %d" % (server.getsockname()[1], len(BOMB)), flush=True)
while True:
    conn, _ = server.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
PY
attacker python3 "$TMP/target.py" >"$TMP/target.log" 2>&1 &
PIDS+=($!)
# the target of the fresh probes: a benign peer, outside the attackers' group
python3 "$TMP/target.py" ok >"$TMP/ok.log" 2>&1 &
PIDS+=($!)

cat >"$TMP/blackbox.yml" <<YML
modules:
  ok:
    prober: http
    timeout: 5s
  keep:
    prober: http
    timeout: 20s
    http:
      fail_if_body_not_matches_regexp: ["hello"]
  untimed:
    prober: http
  basic:
    prober: http
    timeout: 5s
    http:
      basic_auth:
        username: prometheus
        password: $PASSWORD
  bearer:
    prober: http
    timeout: 5s
    http:
      bearer_token: $TOKEN
  gzip:
    prober: http
    timeout: 10s
    http:
      compression: gzip
      body_size_limit: 10MB
YML

# ---- the service -----------------------------------------------------------------------------------
APP_HTTP=$(free_port); EXPORTER=$(free_port); ECHO=$(free_port)
log "starting the jar under -Xmx256m (http $APP_HTTP, blackbox $EXPORTER with max-connections 300, echo $ECHO)"
(cd "$TMP/work" && exec java -Xmx256m -Xlog:gc:file="$TMP/gc.log" -jar "$JAR" --server.port="$APP_HTTP" --server.address=127.0.0.1 \
  --asyncore.listeners[0].name=blackbox --asyncore.listeners[0].type=blackbox \
  --asyncore.listeners[0].host=127.0.0.1 --asyncore.listeners[0].port="$EXPORTER" \
  --asyncore.listeners[0].max-connections=300 \
  --asyncore.listeners[1].name=echo --asyncore.listeners[1].type=echo \
  --asyncore.listeners[1].host=127.0.0.1 --asyncore.listeners[1].port="$ECHO" \
  --asyncore.blackbox.config-file="$TMP/blackbox.yml") >"$TMP/app.log" 2>&1 &
APP_PID=$!
PIDS+=("$APP_PID")
wait_for 90 grep -q '^PORT ' "$TMP/target.log" || fail "the targets did not start within 90s"
TARGET="http://127.0.0.1:$(awk '/^PORT /{print $2}' "$TMP/target.log")"
wait_for 30 grep -q '^PORT ' "$TMP/ok.log" || fail "the benign target did not start within 30s"
OK_TARGET="http://127.0.0.1:$(awk '/^PORT /{print $2}' "$TMP/ok.log")"
log "targets at $TARGET, gzip bomb of $(awk '/^PORT /{print $4}' "$TMP/target.log") bytes on the wire"
deadline=$((SECONDS + 120))
until curl --max-time 5 -fsS "http://127.0.0.1:$EXPORTER/-/healthy" >/dev/null 2>&1; do
  kill -0 "$APP_PID" 2>/dev/null || fail "the service exited during startup"
  [[ $SECONDS -lt $deadline ]] || fail "the service not up within 120s"
  sleep 0.5
done

probe_url() { echo "http://127.0.0.1:$EXPORTER/probe?module=$1&target=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$2")$3"; }

# ---- the echo client and the slow heads -------------------------------------------------------------
cat >"$TMP/echo.py" <<'PY'
"""A round trip of 64 bytes every 50 ms for the given seconds; prints count, p50, p99 and max in ms."""
import socket, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=30)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
rtts, end = [], time.monotonic() + seconds
while time.monotonic() < end:
    start = time.monotonic()
    s.sendall(b"x" * 64)
    got = 0
    while got < 64:
        chunk = s.recv(64 - got)
        if not chunk:
            raise SystemExit("echo connection closed")
        got += len(chunk)
    rtts.append((time.monotonic() - start) * 1000)
    time.sleep(max(0, 0.05 - (time.monotonic() - start)))
rtts.sort()
print("ECHO count=%d p50=%.2f p99=%.2f max=%.2f" % (len(rtts), rtts[len(rtts) // 2], rtts[int(len(rtts) * 0.99)], rtts[-1]))
PY
cat >"$TMP/slow.py" <<'PY'
"""Slow heads: the given number of connections each sending one byte of a request head a second."""
import socket, sys, time
port, count, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
head = b"GET /probe?module=ok&target=127.0.0.1 HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 4096
socks, refused = [], 0
for _ in range(count):
    try:
        socks.append([socket.create_connection(("127.0.0.1", port), timeout=5), 0])
    except OSError:
        refused += 1
closed, end = 0, time.monotonic() + seconds
while time.monotonic() < end and socks:
    for entry in list(socks):
        try:
            entry[0].send(head[entry[1] % len(head):entry[1] % len(head) + 1])
            entry[1] += 1
        except OSError:
            closed += 1
            socks.remove(entry)
    time.sleep(1)
print("SLOW opened=%d refused=%d closed_by_server=%d still_open=%d" % (count - refused, refused, closed, len(socks)))
PY

# The control: Python's asyncore echo server, one thread, outside the attackers' group as the service
# is, timed by the same client in the same run. What it shows is the machine's own stalls.
cat >"$TMP/control.py" <<'PY'
import asyncore, socket
class Echo(asyncore.dispatcher_with_send):
    def handle_read(self):
        data = self.recv(8192)
        if data:
            self.send(data)
class Server(asyncore.dispatcher):
    def __init__(self):
        super().__init__()
        self.create_socket()
        self.bind(("127.0.0.1", 0))
        self.listen(5)
        print("PORT", self.socket.getsockname()[1], flush=True)
    def handle_accepted(self, sock, addr):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        Echo(sock)
Server()
asyncore.loop(0.05)
PY
python3 -W ignore::DeprecationWarning "$TMP/control.py" >"$TMP/control.log" 2>&1 &
PIDS+=($!)
wait_for 10 grep -q '^PORT ' "$TMP/control.log" || fail "the control echo server did not start: $(cat "$TMP/control.log")"
CONTROL=$(awk '/^PORT /{print $2}' "$TMP/control.log")

# the same client without the attack first: what the machine itself gives (it may be busy with other work)
python3 "$TMP/echo.py" "$ECHO" 10 >"$TMP/baseline.log" 2>&1 || fail "the echo client failed: $(cat "$TMP/baseline.log")"
log "echo round trips before the attack: $(cat "$TMP/baseline.log")"
log "attack for ${ATTACK_SECONDS}s: 40 body keepers, 200 infinite scrape timeouts, 500 slow heads, bombs, credentials"
python3 "$TMP/echo.py" "$ECHO" "$((ATTACK_SECONDS + 5))" >"$TMP/echo.log" 2>&1 &
ECHO_PID=$!
python3 "$TMP/echo.py" "$CONTROL" "$((ATTACK_SECONDS + 5))" >"$TMP/control-echo.log" 2>&1 &
CONTROL_PID=$!
attacker python3 "$TMP/slow.py" "$EXPORTER" 500 "$ATTACK_SECONDS" >"$TMP/slow.log" 2>&1 &
SLOW_PID=$!
KEEP_URL="$(probe_url keep "$TARGET/big" "")"
CURLS=()
for i in $(seq 1 40); do attacker curl -s --max-time 60 -o "$TMP/out/keep.$i" "$KEEP_URL" & CURLS+=($!); done
UNTIMED_URL="$(probe_url untimed "$TARGET/silent" "")"
for i in $(seq 1 200); do
  attacker curl -s --max-time 1 -H 'X-Prometheus-Scrape-Timeout-Seconds: Infinity' -o "$TMP/out/untimed.$i" "$UNTIMED_URL" &
  CURLS+=($!)
done
BOMB_URL="$(probe_url gzip "$TARGET/bomb" "")"
CORRUPT_URL="$(probe_url gzip "$TARGET/corrupt" "")"
for i in $(seq 1 8); do
  attacker curl -s --max-time 60 -o "$TMP/out/bomb.$i" "$BOMB_URL" &
  CURLS+=($!)
  attacker curl -s --max-time 60 -o "$TMP/out/corrupt.$i" "$CORRUPT_URL" &
  CURLS+=($!)
done

FRESH_URL="$(probe_url ok "$OK_TARGET/ok" "")"
worst_fresh=0
for round in $(seq 1 $((ATTACK_SECONDS / 4))); do
  sleep 4
  for module in basic bearer; do
    attacker curl -s --max-time 10 -o "$TMP/out/debug.$module.$round" "$(probe_url "$module" "$TARGET/ok" '&debug=true')" &
    CURLS+=($!)
  done
  result="$(curl -s --max-time 5 -o "$TMP/out/fresh.$round" -w '%{http_code} %{time_total}' "$FRESH_URL" || true)"
  grep -q '^probe_success 1' "$TMP/out/fresh.$round" 2>/dev/null \
    || fail "round $round: a fresh /probe was not answered with probe_success 1 within 5 s ($result)"
  worst_fresh=$(python3 -c "print(max($worst_fresh, ${result#* }))")
  kill -0 "$APP_PID" 2>/dev/null || fail "the service died during the attack"
  curl -s --max-time 5 "http://127.0.0.1:$APP_HTTP/actuator/health" | grep -q '"status":"UP"' \
    || fail "round $round: /actuator/health not UP"
done
log "fresh /probe during the attack: all $((ATTACK_SECONDS / 4)) answered probe_success 1, slowest ${worst_fresh}s"

wait "$ECHO_PID" || fail "the echo client failed: $(cat "$TMP/echo.log")"
wait "$CONTROL_PID" || fail "the control's echo client failed: $(cat "$TMP/control-echo.log")"
wait "$SLOW_PID" || true
for pid in "${CURLS[@]}"; do wait "$pid" || true; done
log "$(cat "$TMP/slow.log")"

# ---- the verdict -------------------------------------------------------------------------------------
kill -0 "$APP_PID" 2>/dev/null || fail "the service died"
curl -s --max-time 5 "http://127.0.0.1:$APP_HTTP/actuator/health" | grep -q '"status":"UP"' || fail "/actuator/health not UP"
! grep -q "OutOfMemoryError" "$TMP/app.log" || fail "OutOfMemoryError in the log"
for f in "$TMP"/out/* "$TMP/app.log"; do
  ! grep -qF -e "$PASSWORD" -e "$TOKEN" "$f" || fail "a secret in $f"
done
grep -q '<secret>' "$TMP"/out/debug.basic.* || fail "debug=true did not show <secret> for the basic_auth password"
keep_answered=$(grep -l '^probe_success 0' "$TMP"/out/keep.* | wc -l)
[[ $keep_answered -eq 40 ]] || fail "$keep_answered of 40 body-keeping probes answered probe_success 0"
for kind in bomb corrupt; do
  n=$(grep -l '^probe_success 0' "$TMP"/out/$kind.* | wc -l)
  [[ $n -eq 8 ]] || fail "$n of 8 $kind probes failed (probe_success 0); the others: $(for f in "$TMP"/out/$kind.*; do
    grep -q '^probe_success 0' "$f" || printf '%s: %s; ' "${f##*/}" "$(grep -m1 '^probe_success' "$f" || echo "no answer within 60 s")"; done)"
done
curl -s --max-time 5 -o "$TMP/out/after" "$FRESH_URL" && grep -q '^probe_success 1' "$TMP/out/after" \
  || fail "a /probe after the attack was not answered"
read -r _ count p50 p99 max <"$TMP/echo.log"
log "echo round trips during the attack: $count, ${p50/=/ } ms, ${p99/=/ } ms, ${max/=/ } ms"
read -r _ ccount cp50 cp99 cmax <"$TMP/control-echo.log"
log "the control (Python asyncore echo, same run, same client): $ccount, ${cp50/=/ } ms, ${cp99/=/ } ms, ${cmax/=/ } ms"
log "GC pauses of 50 ms or more: $(awk '/Pause/ && $NF ~ /ms$/ { v = $NF; sub(/ms$/, "", v); if (v + 0 >= 50) print }' "$TMP/gc.log" | sed 's/^\[[^]]*\]//' | tr '\n' ';')"
log "probe memory at the end: $(curl -s --max-time 5 "http://127.0.0.1:$APP_HTTP/actuator/prometheus" \
  | grep -E '^(asyncore_probe_memory_(used|max)_bytes|asyncore_probe_memory_refusals_total)\{budget="blackbox"' | tr '\n' ' ')"
python3 -c "import sys; sys.exit(0 if float('${p99#p99=}') < 200 else 1)" || fail "echo p99 ${p99#p99=} ms, not under 200 ms"
