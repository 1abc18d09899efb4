#!/usr/bin/env bash
# Side-by-side check of the blackbox_exporter drop-in against the real blackbox_exporter (Debian's
# prometheus-blackbox-exporter, installed with apt if missing):
#  - one blackbox.yml and a matrix of local targets: nginx over HTTP and over HTTPS with a private
#    CA, a redirect, 404 and 500, regex and header matches and mismatches, an expired and a
#    wrong-host certificate, a slow origin past the module's timeout, an HTTP/1.0 origin, nginx
#    with http2 (ALPN h2) for modules that require HTTP/2 or HTTP/1.1;
#  - each target is probed by both; probe_success and probe_http_status_code must agree, and the
#    metric names we answer must include every name blackbox_exporter answers.
# Loopback only, free ports picked at run time, every wait bounded. Prints PASS or FAIL.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
STARTED=$SECONDS
TMP="$(mktemp -d /tmp/asyncore-blackbox-e2e.XXXXXX)"
PIDS=()

curl() { command curl --max-time 30 -sS "$@"; }
source "$ROOT/src/test/e2e/e2e-lib.sh"
e2e_begin blackbox-e2e "blackbox end-to-end" app.log bbe.log nginx/error.log slow.log

# ---- tools -------------------------------------------------------------------------------------
apt_need nginx nginx
apt_need prometheus-blackbox-exporter prometheus-blackbox-exporter
apt_need openssl openssl
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
BBE="$(command -v prometheus-blackbox-exporter || echo /usr/bin/prometheus-blackbox-exporter)"

JAR="$(service_jar)"

# ---- certificates: a private CA, a good, an expired and a wrong-host server certificate ---------
PKI="$TMP/pki"
mkdir -p "$PKI/newcerts"
touch "$PKI/index.txt"
echo 1000 > "$PKI/serial"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=asyncore e2e CA" \
  -keyout "$PKI/ca.key" -out "$PKI/ca.pem" 2>/dev/null
cat > "$PKI/ca.cnf" <<CNF
[ca]
default_ca = e2e
[e2e]
dir = $PKI
database = $PKI/index.txt
new_certs_dir = $PKI/newcerts
serial = $PKI/serial
certificate = $PKI/ca.pem
private_key = $PKI/ca.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = copy
[any]
commonName = supplied
CNF
server_cert() { # $1 = name, $2 = subjectAltName, then extra `openssl ca` options
  local name=$1 san=$2; shift 2
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" -addext "subjectAltName=$san" \
    -keyout "$PKI/$name.key" -out "$PKI/$name.csr" 2>/dev/null
  openssl ca -batch -config "$PKI/ca.cnf" -in "$PKI/$name.csr" -out "$PKI/$name.pem" -notext "$@" 2>/dev/null
}
server_cert good "IP:127.0.0.1,DNS:localhost" -days 30
server_cert expired "IP:127.0.0.1,DNS:localhost" -startdate 20200101000000Z -enddate 20200201000000Z
server_cert wronghost "DNS:wrong.example" -days 30
chmod -R a+rX "$TMP"

# ---- origins: nginx (http, https x3) and a Python origin (HTTP/1.0, slow) -----------------------
HTTP_PORT=$(free_port); TLS_PORT=$(free_port); EXPIRED_PORT=$(free_port); WRONG_PORT=$(free_port); PY_PORT=$(free_port); H2_PORT=$(free_port)
mkdir -p "$TMP/nginx/www"
printf 'hello blackbox\n' > "$TMP/nginx/www/index.html"
tls_server() { # $1 = port, $2 = certificate name
  printf '  server { listen 127.0.0.1:%s ssl; ssl_certificate %s/%s.pem; ssl_certificate_key %s/%s.key; root %s/nginx/www; }\n' \
    "$1" "$PKI" "$2" "$PKI" "$2" "$TMP"
}
cat > "$TMP/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/client_body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  types { text/html html; }
  default_type text/html;
  server {
    listen 127.0.0.1:$HTTP_PORT;
    root $TMP/nginx/www;
    add_header X-Test yes-header;
    location = /redirect { return 302 /index.html; }
    location = /error { return 500; }
  }
$(tls_server "$TLS_PORT" good)
$(tls_server "$EXPIRED_PORT" expired)
$(tls_server "$WRONG_PORT" wronghost)
  server { listen 127.0.0.1:$H2_PORT ssl http2; ssl_certificate $PKI/good.pem; ssl_certificate_key $PKI/good.key; root $TMP/nginx/www; }
}
CONF
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" &
PIDS+=($!)
cat > "$TMP/origin.py" <<'PY'
import http.server, sys, time
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def do_GET(self):
        if self.path == "/slow":
            time.sleep(8)
        body = b"hello from http/1.0\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY
python3 "$TMP/origin.py" "$PY_PORT" >"$TMP/slow.log" 2>&1 &
PIDS+=($!)
wait_for 30 curl -f "http://127.0.0.1:$HTTP_PORT/" || fail "nginx did not serve within 30s"
wait_for 30 curl -f "http://127.0.0.1:$PY_PORT/" || fail "the Python origin did not serve within 30s"

# ---- one module file for both exporters --------------------------------------------------------
cat > "$TMP/blackbox.yml" <<YML
modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
  private_ca:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      fail_if_not_ssl: true
      tls_config:
        ca_file: $PKI/ca.pem
  no_follow:
    prober: http
    timeout: 5s
    http:
      follow_redirects: false
      valid_status_codes: [302]
  body_match:
    prober: http
    timeout: 5s
    http:
      fail_if_body_not_matches_regexp: ["hello blackbox"]
  body_mismatch:
    prober: http
    timeout: 5s
    http:
      fail_if_body_matches_regexp: ["hello"]
  header_match:
    prober: http
    timeout: 5s
    http:
      fail_if_header_not_matches: [{header: X-Test, regexp: "^yes"}]
  header_mismatch:
    prober: http
    timeout: 5s
    http:
      fail_if_header_matches: [{header: X-Test, regexp: "^yes"}]
  http10:
    prober: http
    timeout: 5s
    http:
      valid_http_versions: ["HTTP/1.0"]
  short:
    prober: http
    timeout: 2s
  http2_only:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      valid_http_versions: ["HTTP/2.0"]
      tls_config:
        ca_file: $PKI/ca.pem
  http11_only:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      enable_http2: false
      valid_http_versions: ["HTTP/1.1"]
      tls_config:
        ca_file: $PKI/ca.pem
YML

# ---- the two exporters -------------------------------------------------------------------------
start_exporters "$TMP/blackbox.yml"

H="http://127.0.0.1:$HTTP_PORT"
MATRIX=(
  "http_2xx $H/"
  "http_2xx $H/missing"
  "http_2xx $H/error"
  "http_2xx $H/redirect"
  "no_follow $H/redirect"
  "body_match $H/"
  "body_mismatch $H/"
  "header_match $H/"
  "header_mismatch $H/"
  "private_ca https://127.0.0.1:$TLS_PORT/"
  "http_2xx https://127.0.0.1:$TLS_PORT/"
  "private_ca https://127.0.0.1:$EXPIRED_PORT/"
  "private_ca https://127.0.0.1:$WRONG_PORT/"
  "private_ca $H/"
  "http10 http://127.0.0.1:$PY_PORT/"
  "http10 $H/"
  "short http://127.0.0.1:$PY_PORT/slow"
  "http_2xx http://127.0.0.1:$(free_port)/"
)
value() { metric_value "$@"; }
FAILED=0
for entry in "${MATRIX[@]}"; do
  compare_probe "${entry% *}" "${entry#* }" probe_http_status_code
done
# HTTP/2 by ALPN (enable_http2 defaults to true in both): the same success and probe_http_version
H2_MATRIX=(
  "http2_only https://127.0.0.1:$H2_PORT/"
  "http2_only https://127.0.0.1:$TLS_PORT/"
  "http11_only https://127.0.0.1:$H2_PORT/"
  "private_ca https://127.0.0.1:$H2_PORT/"
)
for entry in "${H2_MATRIX[@]}"; do
  compare_probe "${entry% *}" "${entry#* }" probe_http_version
done
[[ $FAILED -eq 0 ]] || fail "the exporters disagree (see DIFF lines)"

# ---- beyond blackbox_exporter: certificate metrics even when verification fails ---------------
probe_ours() { curl -G "http://127.0.0.1:$OUR_PORT/probe" --data-urlencode "module=$1" --data-urlencode "target=$2"; }
probe_ours private_ca "https://127.0.0.1:$EXPIRED_PORT/" >"$TMP/expired"
expiry=$(value probe_ssl_earliest_cert_expiry "$TMP/expired")
[[ -n "$expiry" ]] || fail "no probe_ssl_earliest_cert_expiry for the expired certificate"
python3 -c "import sys,time; sys.exit(0 if float(sys.argv[1]) < time.time() else 1)" "$expiry" \
  || fail "probe_ssl_earliest_cert_expiry $expiry of the expired certificate is not in the past"
probe_ours private_ca "https://127.0.0.1:$TLS_PORT/" >"$TMP/good"
grep -q '^probe_tls_version_info{version="TLS 1\.[23]"} 1' "$TMP/good" || fail "no probe_tls_version_info for the good certificate"
[[ "$(value probe_http_ssl "$TMP/good")" == 1 ]] || fail "probe_http_ssl is not 1 over https"
curl -G "http://127.0.0.1:$OUR_PORT/probe" --data-urlencode "target=https://127.0.0.1:$WRONG_PORT/" \
  --data-urlencode module=private_ca --data-urlencode debug=true >"$TMP/debug"
grep -q '^Logs for the probe:' "$TMP/debug" && grep -q 'Certificate verification failed' "$TMP/debug" \
  || fail "debug=true does not say why the wrong-host certificate failed"
log "certificate metrics present for the expired certificate (expiry $expiry), TLS info for the good one"

# ---- bad input: the same 400s ------------------------------------------------------------------
for query in "module=http_2xx" "module=nope&target=x"; do
  theirs=$(curl -o /dev/null -w '%{http_code}' "http://127.0.0.1:$BBE_PORT/probe?$query")
  ours=$(curl -o /dev/null -w '%{http_code}' "http://127.0.0.1:$OUR_PORT/probe?$query")
  [[ "$theirs" == "$ours" ]] || fail "/probe?$query: theirs $theirs, ours $ours"
done
log "bad queries answered alike"
