#!/usr/bin/env bash
# Side-by-side check of the grpc prober against the real blackbox_exporter (Debian's
# prometheus-blackbox-exporter 0.23, installed with apt if missing):
#  - grpc-java's own health service (GrpcHealthServer, from the test classes and their classpath)
#    on two loopback ports: clear text (prior knowledge) and TLS with a certificate from a private
#    CA made by openssl; the whole server and `up` SERVING, `down` NOT_SERVING, `nope` unknown;
#  - probed by both with the CA, without it (untrusted), and in clear text against the TLS port:
#    probe_success and probe_grpc_status_code must agree, and the metric names we answer must
#    include every name blackbox_exporter answers.
# Loopback only, free ports picked at run time, every wait bounded. Prints PASS or FAIL.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
STARTED=$SECONDS
TMP="$(mktemp -d /tmp/asyncore-grpc-e2e.XXXXXX)"
PIDS=()

curl() { command curl --max-time 30 -sS "$@"; }
source "$ROOT/src/test/e2e/e2e-lib.sh"
e2e_begin blackbox-grpc-e2e "blackbox grpc end-to-end" app.log bbe.log grpc.log

# ---- tools -------------------------------------------------------------------------------------
apt_need prometheus-blackbox-exporter prometheus-blackbox-exporter
apt_need openssl openssl
BBE="$(command -v prometheus-blackbox-exporter || echo /usr/bin/prometheus-blackbox-exporter)"
JAR="$(service_jar)"

# ---- a private CA and a server certificate for localhost / 127.0.0.1 ---------------------------
PKI="$TMP/pki"
local_pki "$PKI" grpc

# ---- the gRPC health server (grpc-java, test scope) --------------------------------------------
[[ -f target/test-classes/dev/asyncore/probe/grpc/GrpcHealthServer.class ]] \
  || timeout 900 ./mvnw -B -q test-compile >&2
timeout 600 ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$TMP/cp.txt" >&2
mkfifo "$TMP/grpc.in"
java -cp "target/test-classes:$(cat "$TMP/cp.txt")" dev.asyncore.probe.grpc.GrpcHealthServer \
  "$PKI/server.pem" "$PKI/server.key" <"$TMP/grpc.in" >"$TMP/grpc.log" 2>&1 &
PIDS+=($!)
exec 7>"$TMP/grpc.in" # held open: the server serves until it closes
wait_for 60 grep -q '^plain=' "$TMP/grpc.log" || fail "the gRPC health server did not start within 60s"
PLAIN=$(sed -nE 's/^plain=([0-9]+) tls=([0-9]+)$/\1/p' "$TMP/grpc.log")
TLS=$(sed -nE 's/^plain=([0-9]+) tls=([0-9]+)$/\2/p' "$TMP/grpc.log")

# ---- one module file for both exporters --------------------------------------------------------
cat > "$TMP/blackbox.yml" <<YML
modules:
  grpc_plain:
    prober: grpc
    timeout: 5s
    grpc:
      preferred_ip_protocol: ip4
  grpc_up:
    prober: grpc
    timeout: 5s
    grpc:
      service: up
      preferred_ip_protocol: ip4
  grpc_down:
    prober: grpc
    timeout: 5s
    grpc:
      service: down
      preferred_ip_protocol: ip4
  grpc_unknown:
    prober: grpc
    timeout: 5s
    grpc:
      service: nope
      preferred_ip_protocol: ip4
  grpc_tls:
    prober: grpc
    timeout: 5s
    grpc:
      tls: true
      service: up
      preferred_ip_protocol: ip4
      tls_config:
        ca_file: $PKI/ca.pem
  grpc_tls_down:
    prober: grpc
    timeout: 5s
    grpc:
      tls: true
      service: down
      preferred_ip_protocol: ip4
      tls_config:
        ca_file: $PKI/ca.pem
  grpc_tls_untrusted:
    prober: grpc
    timeout: 5s
    grpc:
      tls: true
      preferred_ip_protocol: ip4
YML

start_exporters "$TMP/blackbox.yml"

L=127.0.0.1
MATRIX=(
  "grpc_plain $L:$PLAIN"
  "grpc_up $L:$PLAIN"
  "grpc_down $L:$PLAIN"
  "grpc_unknown $L:$PLAIN"
  "grpc_tls $L:$TLS"
  "grpc_tls_down $L:$TLS"
  "grpc_tls_untrusted $L:$TLS"
  "grpc_plain $L:$TLS"
  "grpc_plain $L:$(free_port)"
)
FAILED=0
for entry in "${MATRIX[@]}"; do
  compare_probe "${entry% *}" "${entry#* }" probe_grpc_status_code
done
[[ $FAILED -eq 0 ]] || fail "the exporters disagree (see DIFF lines)"

# ---- the serving status and TLS metrics, as blackbox_exporter reports them ---------------------
curl -G "http://127.0.0.1:$OUR_PORT/probe" --data-urlencode module=grpc_tls_down --data-urlencode "target=$L:$TLS" >"$TMP/down"
grep -q '^probe_grpc_healthcheck_response{serving_status="NOT_SERVING"} 1' "$TMP/down" || fail "no NOT_SERVING answer: $(cat "$TMP/down")"
[[ "$(metric_value probe_grpc_ssl "$TMP/down")" == 1 ]] || fail "probe_grpc_ssl is not 1 over TLS"
grep -q '^probe_tls_version_info{version="TLS 1\.[23]"} 1' "$TMP/down" || fail "no probe_tls_version_info over TLS"
log "NOT_SERVING over TLS reported with probe_grpc_ssl 1 and the TLS version"
exec 7>&-
