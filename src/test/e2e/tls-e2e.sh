#!/usr/bin/env bash
# TLS listener against a real scanner, run by .ci/run: the built jar serves a TLS echo listener
# from a PEM SSL bundle; testssl.sh scans it. Fails on any finding marked VULNERABLE, any CBC
# cipher suite offered, a protocol other than TLS 1.2/1.3 offered, and on any error event, ERROR
# log line or stack trace the scan caused in the service. Loopback only; the scan is bounded to
# 5 minutes. Prints PASS or FAIL.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
STARTED=$SECONDS
TMP="$(mktemp -d /tmp/asyncore-tls-e2e.XXXXXX)"
APP_PID=""

# shellcheck source=e2e-lib.sh
source "$ROOT/src/test/e2e/e2e-lib.sh"

log() { printf '[tls-e2e %3ds] %s\n' "$((SECONDS - STARTED))" "$*"; }
fail() {
  log "FAIL: $*"
  [[ -f "$TMP/app.log" ]] && { echo "---- tail of the service log"; tail -n 40 "$TMP/app.log"; }
  exit 1
}
cleanup() {
  local rc=$?
  stop_pid "$APP_PID"
  rm -rf "$TMP"
  if [[ $rc -eq 0 ]]; then echo "PASS: TLS end-to-end ($((SECONDS - STARTED))s)"; else echo "FAIL: TLS end-to-end (exit $rc)"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

missing=()
command -v testssl >/dev/null || missing+=(testssl.sh)
command -v openssl >/dev/null || missing+=(openssl)
command -v python3 >/dev/null || missing+=(python3)
command -v curl >/dev/null || missing+=(curl)
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing ${missing[*]} (apt)"
  as_root timeout 600 apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

JAR="$(ls target/asyncore-service-*.jar 2>/dev/null | grep -v -- '-plain' | head -n 1 || true)"
if [[ -z "$JAR" ]]; then
  log "no jar in target/: packaging"
  timeout 900 ./mvnw -B -q package -DskipTests
  JAR="$(ls target/asyncore-service-*.jar | head -n 1)"
fi
JAR="$ROOT/$JAR"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null

HTTP_PORT="$(free_port)"
TLS_PORT="$(free_port)"
mkdir -p "$TMP/work"   # an empty work directory: ./config/application.yml is not read
(cd "$TMP/work" && exec java -jar "$JAR" --server.port="$HTTP_PORT" --server.address=127.0.0.1 \
  --asyncore.listeners[0].name=echo-tls --asyncore.listeners[0].host=127.0.0.1 \
  --asyncore.listeners[0].port="$TLS_PORT" --asyncore.listeners[0].tls.enabled=true \
  --asyncore.listeners[0].tls.bundle=e2e \
  --spring.ssl.bundle.pem.e2e.keystore.certificate="file:$TMP/cert.pem" \
  --spring.ssl.bundle.pem.e2e.keystore.private-key="file:$TMP/key.pem") >"$TMP/app.log" 2>&1 &
APP_PID=$!
wait_for 90 curl -fsS "http://127.0.0.1:$HTTP_PORT/actuator/health" || fail "the service did not become healthy"
log "TLS echo listener on 127.0.0.1:$TLS_PORT; scanning with $(testssl --version 2>/dev/null | grep -o 'testssl *[0-9.]*' | head -n 1)"
timeout 20 python3 - "$TLS_PORT" <<'PY' || fail "a TLS client got no echo"
import socket, ssl, sys
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as raw:
    with context.wrap_socket(raw) as tls:
        tls.sendall(b"hello\n")
        data = b""
        while len(data) < 6:
            data += tls.recv(64)
        assert data == b"hello\n", data
        print("echo over", tls.version(), tls.cipher()[0])
PY
LOG_LINES_BEFORE="$(wc -l <"$TMP/app.log")"

set +e
timeout 300 testssl --quiet --color 0 --warnings off --ip one --jsonfile "$TMP/scan.json" \
  "127.0.0.1:$TLS_PORT" >"$TMP/scan.txt" 2>&1
SCAN_RC=$?
set -e
log "testssl exited with $SCAN_RC"
[[ $SCAN_RC -ne 124 ]] || fail "the scan did not finish within 5 minutes"
[[ -s "$TMP/scan.json" ]] || { cat "$TMP/scan.txt"; fail "testssl wrote no JSON findings"; }

python3 - "$TMP/scan.json" <<'PY' || fail "the scan found problems (above)"
import json, re, sys
findings = json.load(open(sys.argv[1]))
problems = []
offered = []
for f in findings:
    fid, text, severity = f.get("id", ""), f.get("finding", ""), f.get("severity", "")
    if "VULNERABLE" in text:
        problems.append(f"VULNERABLE: {fid}: {text}")
    if fid.startswith("cipher-") or fid.startswith("cipher_order") or fid.startswith("supportedciphers"):
        offered.append(text)
        if "CBC" in text or re.search(r"\b\S+-SHA(256|384)?\b", text) and "GCM" not in text and "CHACHA" not in text:
            problems.append(f"CBC suite offered: {fid}: {text}")
    if fid in ("SSLv2", "SSLv3", "TLS1", "TLS1_1") and "not offered" not in text:
        problems.append(f"old protocol: {fid}: {text}")
    # testssl's cipher categories: AVERAGE holds the CBC suites, the others are weaker still
    if fid in ("cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW",
               "cipherlist_3DES_IDEA", "cipherlist_AVERAGE", "cipherlist_OBSOLETED") and "not offered" not in text:
        problems.append(f"weak or CBC suites offered: {fid}: {text}")
    if fid == "secure_client_renego" and "not vulnerable" not in text:
        problems.append(f"client-initiated renegotiation: {text}")
    if fid == "LUCKY13" and severity not in ("OK", "INFO"):
        problems.append(f"LUCKY13: {text}")
seen = {f.get("id") for f in findings}
for required in ("cipherlist_AVERAGE", "secure_client_renego", "LUCKY13"):
    if required not in seen:
        problems.append(f"the scan did not report {required}")
print(f"{len(findings)} findings checked")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY

SCRAPE="$(curl -fsS "http://127.0.0.1:$HTTP_PORT/actuator/prometheus")"
ERRORS="$(printf '%s\n' "$SCRAPE" | awk -F' ' '/^asyncore_events_total\{.*event="error".*listener="echo-tls"/ {print $2}')"
FAILED="$(printf '%s\n' "$SCRAPE" | awk -F' ' '/^asyncore_events_total\{.*event="tls_handshake_failed".*listener="echo-tls"/ {print $2}')"
log "after the scan: event=\"error\" ${ERRORS:-?}, event=\"tls_handshake_failed\" ${FAILED:-?}"
[[ "${ERRORS%.*}" == "0" ]] || fail "the scan caused error events: $ERRORS"
[[ -n "$FAILED" && "${FAILED%.*}" -gt 0 ]] || fail "no tls_handshake_failed counted: the scan's refused handshakes were not seen"
SCAN_LOG="$(tail -n +"$((LOG_LINES_BEFORE + 1))" "$TMP/app.log")"
if printf '%s\n' "$SCAN_LOG" | grep -E ' ERROR |^\s+at |Exception' >/dev/null; then
  printf '%s\n' "$SCAN_LOG" | grep -E ' ERROR |^\s+at |Exception' | head -n 20
  fail "the scan caused ERROR lines or stack traces in the service log"
fi
log "no ERROR lines or stack traces in the service log during the scan"
