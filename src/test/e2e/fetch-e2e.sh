#!/usr/bin/env bash
# End-to-end check of the fetch service against a real web server:
#  1. a real nginx (installed with apt if missing) on a loopback port, with its own config file and
#     prefix directory in a temp dir, serves a 10 MiB file and a small page;
#  2. the CLI (`java -jar <jar> fetch`) downloads both: the file's SHA-256 equals sha256sum's, and
#     without --allow-private the CLI refuses loopback with exit code 1;
#  3. the service (`java -jar <jar>`, private networks allowed) fetches both through GET and POST
#     /fetch with the same SHA-256, refuses the metadata address with 403, and probes nginx.
# Loopback only; every wait is bounded; processes are cleaned up on exit. Prints PASS or FAIL.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
STARTED=$SECONDS
TMP="$(mktemp -d /tmp/asyncore-fetch-e2e.XXXXXX)"
APP_PID=""
NGINX_PID=""

curl() { command curl --max-time 30 "$@"; }
log() { printf '[fetch-e2e %3ds] %s\n' "$((SECONDS - STARTED))" "$*"; }
fail() {
  log "FAIL: $*"
  for f in "$TMP/app.log" "$TMP/nginx/error.log" "$TMP/cli.err"; do
    [[ -f "$f" ]] && { echo "---- tail of $f"; tail -n 30 "$f"; }
  done
  exit 1
}
cleanup() {
  local rc=$?
  stop_pid "$APP_PID"
  stop_pid "$NGINX_PID"
  rm -rf "$TMP"
  if [[ $rc -eq 0 ]]; then echo "PASS: fetch end-to-end ($((SECONDS - STARTED))s)"; else echo "FAIL: fetch end-to-end (exit $rc)"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for, free_port, as_root, stop_pid
source "$ROOT/src/test/e2e/e2e-lib.sh"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'d': d}))" "$1"; }

# ---- tools -------------------------------------------------------------------------------------
NGINX="$(command -v nginx || true)"
[[ -z "$NGINX" && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
if [[ -z "$NGINX" ]]; then
  log "installing nginx (apt)"
  as_root timeout 600 apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends nginx-light >/dev/null \
    || as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends nginx >/dev/null
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
fi
[[ -x "$NGINX" ]] || fail "no nginx"

JAR="$(ls target/asyncore-service-*.jar 2>/dev/null | head -n 1 || true)"
if [[ -z "$JAR" ]]; then
  log "no jar in target/: packaging"
  timeout 900 ./mvnw -B -q package -DskipTests
  JAR="$(ls target/asyncore-service-*.jar | head -n 1)"
fi
JAR="$ROOT/$JAR"

# ---- 1. nginx ----------------------------------------------------------------------------------
mkdir -p "$TMP/nginx/www" "$TMP/nginx/logs"
head -c $((10 * 1024 * 1024)) /dev/urandom > "$TMP/nginx/www/big.bin"
printf '<!doctype html>\n<title>asyncore</title>\n<p>small page</p>\n' > "$TMP/nginx/www/index.html"
BIG_SHA="$(sha256sum "$TMP/nginx/www/big.bin" | cut -d' ' -f1)"
PAGE_SHA="$(sha256sum "$TMP/nginx/www/index.html" | cut -d' ' -f1)"
chmod -R a+rX "$TMP"
NGINX_PORT=$(free_port)
cat > "$TMP/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 64; }
http {
  access_log $TMP/nginx/access.log;
  client_body_temp_path $TMP/nginx/client_body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  types { text/html html; application/octet-stream bin; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $TMP/nginx/www;
  }
}
CONF
log "starting nginx on 127.0.0.1:$NGINX_PORT"
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" &
NGINX_PID=$!
ORIGIN="http://127.0.0.1:$NGINX_PORT"
wait_for 30 curl -fsS "$ORIGIN/index.html" || fail "nginx did not serve within 30s"

# ---- 2. CLI ------------------------------------------------------------------------------------
log "CLI: fetch --allow-private (10 MiB to a file, the page to stdout)"
timeout 120 java -jar "$JAR" fetch --allow-private --output "$TMP/big.out" "$ORIGIN/big.bin" 2>"$TMP/cli.err" \
  || fail "CLI download of big.bin failed"
[[ "$(sha256sum "$TMP/big.out" | cut -d' ' -f1)" == "$BIG_SHA" ]] || fail "CLI: big.bin SHA-256 differs"
grep -q "10485760 bytes, sha256 $BIG_SHA" "$TMP/cli.err" || fail "CLI: stderr does not report size and SHA-256"
grep -q '^HTTP/1.1 200 OK' "$TMP/cli.err" || fail "CLI: no status line on stderr"
timeout 60 java -jar "$JAR" fetch --allow-private "$ORIGIN/index.html" >"$TMP/page.out" 2>"$TMP/cli.err" \
  || fail "CLI fetch of the page failed"
cmp -s "$TMP/page.out" "$TMP/nginx/www/index.html" || fail "CLI: page on stdout differs"
set +e
timeout 60 java -jar "$JAR" fetch "$ORIGIN/index.html" >"$TMP/refused.out" 2>"$TMP/cli.err"
CODE=$?
set -e
[[ $CODE -eq 1 ]] || fail "CLI without --allow-private exited $CODE, expected 1"
grep -q "^fetch: $ORIGIN/index.html: refused: " "$TMP/cli.err" || fail "CLI: no refusal line"
[[ ! -s "$TMP/refused.out" ]] || fail "CLI: refused fetch wrote a body"

# ---- 3. service API ------------------------------------------------------------------------------
HTTP_PORT=$(free_port)
log "starting the service on $HTTP_PORT (private networks allowed, probe of nginx)"
(cd "$TMP" && exec java -jar "$JAR" --server.port="$HTTP_PORT" --asyncore.listeners[0].name=echo --asyncore.listeners[0].port=0 \
  --asyncore.fetch.allow-private-networks=true \
  --asyncore.probes[0].name=nginx --asyncore.probes[0].url="$ORIGIN/" --asyncore.probes[0].interval=1s) \
  >"$TMP/app.log" 2>&1 &
APP_PID=$!
BASE="http://127.0.0.1:$HTTP_PORT"
wait_for 120 curl -fsS "$BASE/actuator/health/readiness" || fail "service not ready within 120s"

log "GET /fetch of the 10 MiB file and the page"
BIG_JSON="$(curl -fsS --get "$BASE/fetch" --data-urlencode "url=$ORIGIN/big.bin")" || fail "GET /fetch big.bin failed"
[[ "$(json 'd["sha256"]' <<<"$BIG_JSON")" == "$BIG_SHA" ]] || fail "API: big.bin SHA-256 differs: $BIG_JSON"
[[ "$(json 'd["bodySize"]' <<<"$BIG_JSON")" == "10485760" ]] || fail "API: big.bin size differs"
PAGE_JSON="$(curl -fsS --get "$BASE/fetch" --data-urlencode "url=$ORIGIN/" --data-urlencode body=true)" \
  || fail "GET /fetch of the page failed"
[[ "$(json 'd["sha256"]' <<<"$PAGE_JSON")" == "$PAGE_SHA" ]] || fail "API: page SHA-256 differs"
[[ "$(json 'd["body"]' <<<"$PAGE_JSON")" == "$(cat "$TMP/nginx/www/index.html")" ]] || fail "API: page body differs"

log "POST /fetch of both, in order"
BATCH="$(curl -fsS -H 'Content-Type: application/json' \
  -d "{\"urls\": [\"$ORIGIN/big.bin\", \"$ORIGIN/index.html\"]}" "$BASE/fetch")" || fail "POST /fetch failed"
[[ "$(json '[r["result"]["sha256"] for r in d["results"]]' <<<"$BATCH")" == "['$BIG_SHA', '$PAGE_SHA']" ]] \
  || fail "API: batch results differ: $(head -c 300 <<<"$BATCH")"

log "the metadata address is refused (403 problem detail)"
STATUS="$(curl -sS -o "$TMP/refused.json" -w '%{http_code} %{content_type}' --get "$BASE/fetch" \
  --data-urlencode 'url=http://169.254.169.254/latest/meta-data/')"
[[ "$STATUS" == "403 application/problem+json" ]] || fail "metadata fetch answered $STATUS"

log "the probe of nginx succeeds"
probe_ok() { curl -fsS "$BASE/actuator/prometheus" | grep -q '^asyncore_probe_success{probe="nginx"} 1'; }
wait_for 30 probe_ok || fail "asyncore_probe_success{probe=\"nginx\"} did not become 1"
