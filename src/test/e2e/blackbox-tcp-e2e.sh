#!/usr/bin/env bash
# Side-by-side check of the tcp prober against the real blackbox_exporter (Debian's
# prometheus-blackbox-exporter 0.23, installed with apt if missing):
#  - local targets from src/test/resources/python/tcp_targets.py: an SMTP-like server with
#    STARTTLS (private CA made here with openssl), an SSH-like banner, an IRC-style PING/PONG, a
#    TLS-from-the-start banner, a server that never answers, and a closed port;
#  - one module file for both (blackbox_exporter's own examples among them); each target and module
#    is probed by both: probe_success and probe_failed_due_to_regex must agree, and the metric
#    names we answer must include every name blackbox_exporter answers;
#  - then our extras: connect/tls phase timings and a udp module against a UDP echo.
# Loopback only, free ports picked at run time, every wait bounded. Prints PASS or FAIL.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
STARTED=$SECONDS
TMP="$(mktemp -d /tmp/asyncore-blackbox-tcp-e2e.XXXXXX)"
PIDS=()

curl() { command curl --max-time 30 -sS "$@"; }
source "$ROOT/src/test/e2e/e2e-lib.sh"
e2e_begin blackbox-tcp-e2e "blackbox tcp end-to-end" app.log bbe.log targets.log

# ---- tools -------------------------------------------------------------------------------------
apt_need prometheus-blackbox-exporter prometheus-blackbox-exporter
apt_need openssl openssl
apt_need python3 python3
BBE="$(command -v prometheus-blackbox-exporter || echo /usr/bin/prometheus-blackbox-exporter)"

JAR="$(service_jar)"

# ---- a private CA and a server certificate for localhost / 127.0.0.1 ---------------------------
PKI="$TMP/pki"
local_pki "$PKI" tcp

# ---- the targets -------------------------------------------------------------------------------
SMTP=$(free_port); SSH=$(free_port); SILENT=$(free_port); IRC=$(free_port); TLS=$(free_port); UDP=$(free_port)
CLOSED=$(free_port)
python3 -u src/test/resources/python/tcp_targets.py "$PKI/server.pem" "$PKI/server.key" \
  "$SMTP" "$SSH" "$SILENT" "$IRC" "$TLS" "$UDP" >"$TMP/targets.log" 2>&1 &
PIDS+=($!)
wait_for 20 grep -q ready "$TMP/targets.log" || fail "the Python targets did not start within 20s"

# ---- one module file for both exporters (blackbox_exporter 0.23's options only) ----------------
cat > "$TMP/blackbox.yml" <<YML
modules:
  tcp_connect:
    prober: tcp
    timeout: 5s
  smtp_starttls:
    prober: tcp
    timeout: 5s
    tcp:
      preferred_ip_protocol: ip4
      query_response:
        - expect: "^220 ([^ ]+) ESMTP (.+)$"
        - send: "EHLO prober\r"
        - expect: "^250-STARTTLS"
        - send: "STARTTLS\r"
        - expect: "^220"
        - starttls: true
        - send: "EHLO prober\r"
        - expect: "^250-AUTH"
        - send: "QUIT\r"
      tls_config:
        ca_file: $PKI/ca.pem
  smtp_unknown_ca:
    prober: tcp
    timeout: 5s
    tcp:
      query_response:
        - expect: "^220"
        - send: "EHLO prober\r"
        - expect: "^250-STARTTLS"
        - send: "STARTTLS\r"
        - expect: "^220"
        - starttls: true
  ssh_banner:
    prober: tcp
    timeout: 3s
    tcp:
      query_response:
        - expect: "^SSH-2.0-"
        - send: "SSH-2.0-blackbox-ssh-check"
  ssh_wrong_version:
    prober: tcp
    timeout: 3s
    tcp:
      query_response:
        - expect: "^SSH-1.99-"
  irc_banner:
    prober: tcp
    timeout: 5s
    tcp:
      query_response:
        - send: "NICK prober"
        - send: "USER prober prober prober :prober"
        - expect: "PING :([^ ]+)"
          send: "PONG \${1}"
        - expect: "^:[^ ]+ 001"
  irc_wrong_pong:
    prober: tcp
    timeout: 3s
    tcp:
      query_response:
        - send: "NICK prober"
        - send: "USER prober prober prober :prober"
        - expect: "PING :([^ ]+)"
          send: "PONG x\${1}"
        - expect: "^:[^ ]+ 001"
  tls_banner:
    prober: tcp
    timeout: 5s
    tcp:
      tls: true
      query_response:
        - expect: "^\\\\* OK"
      tls_config:
        ca_file: $PKI/ca.pem
  silent_banner:
    prober: tcp
    timeout: 2s
    tcp:
      query_response:
        - expect: "^220"
YML
# ours also gets the udp prober (blackbox_exporter would refuse the unknown section)
cp "$TMP/blackbox.yml" "$TMP/ours.yml"
cat >> "$TMP/ours.yml" <<YML
  udp_echo:
    prober: udp
    timeout: 2s
    udp:
      query_response:
        - send: "asyncore udp probe"
        - expect: "^asyncore (udp) probe$"
          labels: [{name: proto, value: "\${1}"}]
YML

# ---- the two exporters -------------------------------------------------------------------------
start_exporters "$TMP/blackbox.yml" "$TMP/ours.yml"

L=127.0.0.1
MATRIX=(
  "tcp_connect $L:$SMTP"
  "tcp_connect $L:$SILENT"
  "tcp_connect $L:$CLOSED"
  "tcp_connect $L"
  "smtp_starttls $L:$SMTP"
  "smtp_starttls localhost:$SMTP"
  "smtp_starttls $L:$SSH"
  "smtp_unknown_ca $L:$SMTP"
  "ssh_banner $L:$SSH"
  "ssh_banner $L:$SMTP"
  "ssh_banner $L:$SILENT"
  "ssh_wrong_version $L:$SSH"
  "irc_banner $L:$IRC"
  "irc_wrong_pong $L:$IRC"
  "tls_banner $L:$TLS"
  "tls_banner $L:$SSH"
  "silent_banner $L:$SILENT"
  "silent_banner $L:$CLOSED"
)
value() { metric_value "$@"; }
probe() { # $1 = port, $2 = module, $3 = target, $4 = output
  curl -G "http://127.0.0.1:$1/probe" --data-urlencode "module=$2" --data-urlencode "target=$3" >"$4"
}
FAILED=0
for entry in "${MATRIX[@]}"; do
  compare_probe "${entry% *}" "${entry#* }" probe_failed_due_to_regex
done
[[ $FAILED -eq 0 ]] || fail "the exporters disagree (see DIFF lines)"

# ---- beyond blackbox_exporter ------------------------------------------------------------------
probe "$OUR_PORT" smtp_starttls "$L:$SMTP" "$TMP/smtp"
grep -q '^probe_tcp_duration_seconds{phase="connect"} ' "$TMP/smtp" || fail "no connect phase timing"
tls_time=$(awk '$1 == "probe_tcp_duration_seconds{phase=\"tls\"}" { print $2 }' "$TMP/smtp")
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > 0 else 1)" "${tls_time:-0}" || fail "tls phase timing is ${tls_time:-absent}"
grep -q '^probe_tls_version_info{version="TLS 1\.[23]"} 1' "$TMP/smtp" || fail "no probe_tls_version_info after STARTTLS"
probe "$OUR_PORT" udp_echo "$L:$UDP" "$TMP/udp"
[[ "$(value probe_success "$TMP/udp")" == 1 ]] || fail "the udp echo probe failed: $(cat "$TMP/udp")"
grep -q '^probe_expect_info{proto="udp"} 1' "$TMP/udp" || fail "no probe_expect_info from the udp match"
probe "$OUR_PORT" udp_echo "$L:$SILENT" "$TMP/udp-none"
[[ "$(value probe_success "$TMP/udp-none")" == 0 ]] || fail "a udp probe without a reply succeeded"
log "extras: tls phase ${tls_time}s, udp echo probed, a silent udp target fails"
