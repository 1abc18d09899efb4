#!/usr/bin/env bash
# Process-level reliability checks of the built jar (issue 7, items 7 and 8), run by .ci/run:
#  1. a listener port held by another process: startup fails with a message naming the property
#     and the port, and the process exits non-zero;
#  2. SIGTERM drain: 100 clients are each part-way (1 MiB) through a 2 MiB message when the service
#     gets SIGTERM; new connections must be refused at once, every client that then finishes gets
#     its whole message back (SHA-256), and the JVM exits within shutdown-grace with status 143
#     (128 + SIGTERM, the JVM's normal status after running its shutdown hooks).
# Loopback only; every wait is bounded; processes are cleaned up on exit. Prints PASS or FAIL.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
STARTED=$SECONDS
TMP="$(mktemp -d /tmp/asyncore-rel-e2e.XXXXXX)"
APP_PID=""
HOLDER_PID=""
CLIENTS=100
MESSAGE=$((2 * 1024 * 1024))
GRACE_SECONDS=15

# shellcheck source=e2e-lib.sh
source "$ROOT/src/test/e2e/e2e-lib.sh"

log() { printf '[reliability-e2e %3ds] %s\n' "$((SECONDS - STARTED))" "$*"; }
fail() {
  log "FAIL: $*"
  for f in "$TMP"/*.log; do
    [[ -f "$f" ]] && { echo "---- tail of $f"; tail -n 40 "$f"; }
  done
  exit 1
}
cleanup() {
  local rc=$?
  stop_pid "$APP_PID"
  stop_pid "$HOLDER_PID"
  rm -rf "$TMP"
  if [[ $rc -eq 0 ]]; then echo "PASS: reliability end-to-end ($((SECONDS - STARTED))s)"; else echo "FAIL: reliability end-to-end (exit $rc)"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM


if ! command -v python3 >/dev/null || ! command -v curl >/dev/null; then
  log "installing python3 and curl (apt)"
  as_root timeout 600 apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends python3 curl >/dev/null
fi

JAR="$(ls target/asyncore-service-*.jar 2>/dev/null | grep -v -- '-plain' | head -n 1 || true)"
if [[ -z "$JAR" ]]; then
  log "no jar in target/: packaging"
  timeout 900 ./mvnw -B -q package -DskipTests
  JAR="$(ls target/asyncore-service-*.jar | head -n 1)"
fi
JAR="$ROOT/$JAR"
# Started from an empty work directory, so that ./config/application.yml (0.0.0.0) is not read.
mkdir -p "$TMP/work"

# ---- 1. a port in use at start-up ----------------------------------------------------------------
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(600)' >"$TMP/holder.port" &
HOLDER_PID=$!
for _ in $(seq 1 50); do [[ -s "$TMP/holder.port" ]] && break; sleep 0.1; done
TAKEN_PORT="$(cat "$TMP/holder.port")"
[[ -n "$TAKEN_PORT" ]] || fail "the port holder did not start"
log "port $TAKEN_PORT held by another process: starting the jar on it"
set +e
(cd "$TMP/work" && exec timeout 120 java -jar "$JAR" --server.port="$(free_port)" \
  --asyncore.listeners[0].name=echo --asyncore.listeners[0].host=127.0.0.1 \
  --asyncore.listeners[0].port="$TAKEN_PORT") >"$TMP/taken.log" 2>&1
TAKEN_RC=$?
set -e
kill "$HOLDER_PID" 2>/dev/null || true
HOLDER_PID=""
log "exit status $TAKEN_RC"
[[ $TAKEN_RC -ne 0 && $TAKEN_RC -ne 124 ]] || fail "startup on a taken port exited with $TAKEN_RC"
grep -q "APPLICATION FAILED TO START" "$TMP/taken.log" || fail "no startup failure report"
grep -q "asyncore.listeners\[0\].port: listener 'echo' cannot bind tcp 127.0.0.1:$TAKEN_PORT: Address already in use" \
  "$TMP/taken.log" || fail "no clear message naming the property and the port"

# ---- 2. SIGTERM while 100 clients are part-way through 2 MiB ---------------------------------------
HTTP_PORT=$(free_port); ECHO_PORT=$(free_port)
log "starting the jar (http $HTTP_PORT, echo $ECHO_PORT, shutdown-grace ${GRACE_SECONDS}s)"
cd "$TMP/work"
java -jar "$JAR" --server.port="$HTTP_PORT" --server.address=127.0.0.1 \
  --asyncore.reactor.shutdown-grace="${GRACE_SECONDS}s" \
  --asyncore.listeners[0].name=echo --asyncore.listeners[0].host=127.0.0.1 \
  --asyncore.listeners[0].port="$ECHO_PORT" >"$TMP/app.log" 2>&1 &
APP_PID=$!
cd "$ROOT"
deadline=$((SECONDS + 120))
until curl --max-time 5 -fsS "http://127.0.0.1:$HTTP_PORT/actuator/health/readiness" >/dev/null 2>&1; do
  kill -0 "$APP_PID" 2>/dev/null || fail "the service exited during startup"
  [[ $SECONDS -lt $deadline ]] || fail "service not ready within 120s"
  sleep 0.5
done

cat >"$TMP/drain.py" <<'PY'
"""Clients part-way through a message when the service gets SIGTERM (sent from here, at a known instant)."""
import asyncio, hashlib, json, os, random, signal, socket, sys, time

pid, port, clients, size, grace = (int(a) for a in sys.argv[1:6])
half = size // 2

async def client(i, halfway, go):
    message = random.Random(i).randbytes(size)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    received = hashlib.sha256()
    count = 0

    async def read_all():
        nonlocal count
        while chunk := await reader.read(65536):
            received.update(chunk)
            count += len(chunk)

    reading = asyncio.create_task(read_all())
    writer.write(message[:half])
    await writer.drain()
    halfway.release()
    await go.wait()
    writer.write(message[half:])
    await writer.drain()
    writer.write_eof()
    await asyncio.wait_for(reading, timeout=grace)
    writer.close()
    return {"ok": count == size and received.hexdigest() == hashlib.sha256(message).hexdigest(),
            "bytes": count, "finished": time.time()}

def refused():
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return False
    except ConnectionRefusedError:
        return True

async def main():
    halfway = asyncio.Semaphore(0)
    go = asyncio.Event()
    tasks = [asyncio.create_task(client(i, halfway, go)) for i in range(clients)]
    for _ in range(clients):
        await asyncio.wait_for(halfway.acquire(), timeout=60)
    sigterm = time.time()
    os.kill(pid, signal.SIGTERM)
    # New connections must be refused at once: poll (off the event loop) until one is.
    while not await asyncio.to_thread(refused):
        if time.time() - sigterm > grace:
            break
    refused_after = time.time() - sigterm
    go.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({
        "sigterm": sigterm,
        "refused_after": refused_after,
        "whole": sum(1 for r in results if isinstance(r, dict) and r["ok"]),
        "failed": [repr(r) if not isinstance(r, dict) else r["bytes"] for r in results
                   if not (isinstance(r, dict) and r["ok"])][:5],
        "last_finished_after": max((r["finished"] for r in results if isinstance(r, dict)), default=sigterm) - sigterm,
    }))

asyncio.run(main())
PY

log "$CLIENTS clients send the first half of $MESSAGE bytes each; then SIGTERM"
timeout 120 python3 "$TMP/drain.py" "$APP_PID" "$ECHO_PORT" "$CLIENTS" "$MESSAGE" "$GRACE_SECONDS" >"$TMP/drain.json" \
  2>"$TMP/drain.log" || fail "the drain clients failed"
# The JVM's exit, timed from the SIGTERM the clients sent.
while kill -0 "$APP_PID" 2>/dev/null; do
  python3 -c 'import json,sys,time; sys.exit(0 if time.time() - json.load(open(sys.argv[1]))["sigterm"] < 2 * int(sys.argv[2]) else 1)' \
    "$TMP/drain.json" "$GRACE_SECONDS" || fail "the service did not exit within twice the grace"
  sleep 0.1
done
EXITED="$(date +%s.%N)"
set +e
wait "$APP_PID"
APP_RC=$?
set -e
APP_PID=""
python3 - "$TMP/drain.json" "$EXITED" "$APP_RC" "$CLIENTS" "$GRACE_SECONDS" <<'PY' || fail "drain checks failed"
import json, sys
r = json.load(open(sys.argv[1]))
exited, rc, clients, grace = float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
exit_after = exited - r["sigterm"]
print(f"[reliability-e2e] new connections refused {r['refused_after'] * 1000:.0f} ms after SIGTERM; "
      f"{r['whole']}/{clients} clients got their whole message back, the last {r['last_finished_after']:.2f} s "
      f"after SIGTERM; the JVM exited {exit_after:.2f} s after SIGTERM with status {rc} (grace {grace} s)")
ok = True
if r["refused_after"] > 1.0:
    print("new connections were not refused within 1 s"); ok = False
if r["whole"] != clients:
    print(f"clients without their whole message: {r['failed']}"); ok = False
if exit_after >= grace:
    print("the JVM did not exit within the grace period"); ok = False
if rc != 143:
    print(f"exit status {rc}, expected 143"); ok = False
sys.exit(0 if ok else 1)
PY
grep -q "Drained in" "$TMP/app.log" || fail "no graceful drain in the log"
log "drained and exited with 143"
