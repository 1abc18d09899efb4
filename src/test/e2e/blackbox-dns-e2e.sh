#!/usr/bin/env bash
# Side-by-side check of the dns prober against the real blackbox_exporter (Debian's
# prometheus-blackbox-exporter 0.23, installed with apt if missing):
#  - dnsmasq (dnsmasq-base) on a free loopback port serving a hosts-file zone, over UDP and TCP:
#    an A record found, records checked by each validate_answer_rrs rule (the exact text of a
#    record, so our record text must be miekg/dns's), NXDOMAIN with and without valid_rcodes;
#  - small Python UDP peers (dns-peers.py): one that never answers, a truncated (TC) reply, a reply
#    with a wrong ID and one from a wrong port before the right one, garbage, an oversized reply;
#  - DNS over TLS: socat terminating TLS in front of dnsmasq's TCP port with a certificate from a
#    private CA made by openssl, probed with that CA as ca_file, with another CA (untrusted), with a
#    server_name the certificate does not name, with insecure_skip_verify, and against a port that
#    speaks no TLS;
#  - each target and module is probed by both: probe_success must agree, and the metric names we
#    answer must include every name blackbox_exporter answers. Then our built-in dns_udp module.
# Loopback only, free ports picked at run time, every wait bounded. Prints PASS or FAIL.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
STARTED=$SECONDS
TMP="$(mktemp -d /tmp/asyncore-dns-e2e.XXXXXX)"
PIDS=()

curl() { command curl --max-time 30 -sS "$@"; }
source "$ROOT/src/test/e2e/e2e-lib.sh"
e2e_begin blackbox-dns-e2e "blackbox dns end-to-end" app.log bbe.log dnsmasq.log peers.log socat.log openssl.log

# ---- tools ------------------------------------------------------------------------------------
apt_need dnsmasq dnsmasq-base
apt_need prometheus-blackbox-exporter prometheus-blackbox-exporter
apt_need python3 python3
apt_need socat socat
apt_need openssl openssl
DNSMASQ="$(command -v dnsmasq || echo /usr/sbin/dnsmasq)"
BBE="$(command -v prometheus-blackbox-exporter || echo /usr/bin/prometheus-blackbox-exporter)"
JAR="$(service_jar)"

# ---- dnsmasq: a zone from a hosts file, answered locally (unknown names in it are NXDOMAIN) -----
chmod a+rx "$TMP"
cat > "$TMP/hosts" <<HOSTS
192.0.2.10 www.example.test
192.0.2.11 www.example.test
192.0.2.20 mail.example.test
127.0.0.1 localhost
HOSTS
chmod a+r "$TMP/hosts"
DNS_PORT=$(free_port)
DNSMASQ_USER=()
[[ $(id -u) -eq 0 ]] && DNSMASQ_USER=(--user=nobody --group=nogroup)
"$DNSMASQ" --no-daemon --conf-file=/dev/null --port="$DNS_PORT" --listen-address=127.0.0.1 --bind-interfaces \
  --no-resolv --no-hosts --addn-hosts="$TMP/hosts" --local=/example.test/ --local=/localhost/ \
  --pid-file="$TMP/dnsmasq.pid" "${DNSMASQ_USER[@]}" >"$TMP/dnsmasq.log" 2>&1 &
PIDS+=($!)
PEERS="$ROOT/src/test/e2e/dns-peers.py"
wait_for 30 python3 "$PEERS" check "$DNS_PORT" || fail "dnsmasq did not answer within 30s"

declare -A PEER_PORT
for mode in silent tc spoof garbage big; do
  PEER_PORT[$mode]=$(free_port)
  python3 "$PEERS" serve "$mode" "${PEER_PORT[$mode]}" >>"$TMP/peers.log" 2>&1 &
  PIDS+=($!)
done

# ---- DNS over TLS: a private CA, a server certificate from it, socat in front of dnsmasq's TCP --
openssl_quiet() { openssl "$@" >>"$TMP/openssl.log" 2>&1 || fail "openssl $1 failed (see openssl.log)"; }
make_ca() { # $1 = file stem, $2 = subject
  openssl_quiet req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$TMP/$1.key" -out "$TMP/$1.pem"
}
make_ca ca "asyncore e2e CA"
make_ca other-ca "some other CA"
openssl_quiet req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
  -keyout "$TMP/server.key" -out "$TMP/server.csr"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$TMP/server.ext"
openssl_quiet x509 -req -in "$TMP/server.csr" -CA "$TMP/ca.pem" -CAkey "$TMP/ca.key" -CAcreateserial -days 2 \
  -extfile "$TMP/server.ext" -out "$TMP/server.pem"
chmod a+r "$TMP"/*.pem
DOT_PORT=$(free_port)
socat "openssl-listen:$DOT_PORT,bind=127.0.0.1,reuseaddr,fork,cert=$TMP/server.pem,key=$TMP/server.key,verify=0" \
  "tcp:127.0.0.1:$DNS_PORT" >"$TMP/socat.log" 2>&1 &
PIDS+=($!)
wait_for 30 bash -c "exec 3<>/dev/tcp/127.0.0.1/$DOT_PORT" || fail "socat did not listen within 30s"

# ---- one module file for both exporters --------------------------------------------------------
cat > "$TMP/blackbox.yml" <<'YML'
modules:
  dns_a:
    prober: dns
    timeout: 2s
    dns:
      query_name: www.example.test
      query_type: A
      preferred_ip_protocol: ip4
  dns_a_exact:
    prober: dns
    timeout: 2s
    dns:
      query_name: www.example.test
      query_type: A
      validate_answer_rrs:
        fail_if_not_matches_regexp: ["^www\\.example\\.test\\.\t0\tIN\tA\t192\\.0\\.2\\.1[01]$"]
        fail_if_none_matches_regexp: ["192\\.0\\.2\\.11$"]
  dns_a_mismatch:
    prober: dns
    timeout: 2s
    dns:
      query_name: www.example.test
      query_type: A
      validate_answer_rrs:
        fail_if_not_matches_regexp: ["192\\.0\\.2\\.99"]
  dns_a_matches:
    prober: dns
    timeout: 2s
    dns:
      query_name: www.example.test
      query_type: A
      validate_answer_rrs:
        fail_if_matches_regexp: ["192\\.0\\.2\\.11"]
  dns_a_all_match:
    prober: dns
    timeout: 2s
    dns:
      query_name: www.example.test
      query_type: A
      validate_answer_rrs:
        fail_if_all_match_regexp: ["192\\.0\\.2\\.10"]
  dns_nx:
    prober: dns
    timeout: 2s
    dns:
      query_name: nope.example.test
      query_type: A
  dns_nx_ok:
    prober: dns
    timeout: 2s
    dns:
      query_name: nope.example.test
      query_type: A
      valid_rcodes: [NXDOMAIN]
      validate_authority_rrs:
        fail_if_matches_regexp: ["nothing-like-this"]
  dns_tcp:
    prober: dns
    timeout: 2s
    dns:
      transport_protocol: tcp
      preferred_ip_protocol: ip4
      query_name: mail.example.test
      query_type: A
      recursion_desired: false
      validate_answer_rrs:
        fail_if_not_matches_regexp: ["\tA\t192\\.0\\.2\\.20$"]
  dns_tcp_nx:
    prober: dns
    timeout: 2s
    dns:
      transport_protocol: tcp
      query_name: nope.example.test
      query_type: A
  dns_aaaa_none:
    prober: dns
    timeout: 2s
    dns:
      query_name: www.example.test
      query_type: AAAA
      validate_answer_rrs:
        fail_if_none_matches_regexp: ["."]
YML
dot_module() { # $1 = name, $2 = tls_config (flow style); the CA paths are absolute: 0.23 reads them from its cwd
  cat >>"$TMP/blackbox.yml" <<YML
  $1:
    prober: dns
    timeout: 2s
    dns:
      transport_protocol: tcp
      dns_over_tls: true
      preferred_ip_protocol: ip4
      query_name: www.example.test
      query_type: A
      tls_config: $2
YML
}
dot_module dot_trusted "{ca_file: $TMP/ca.pem}"
dot_module dot_named "{ca_file: $TMP/ca.pem, server_name: localhost}"
dot_module dot_untrusted "{ca_file: $TMP/other-ca.pem}"
dot_module dot_wrong_name "{ca_file: $TMP/ca.pem, server_name: elsewhere.example.test}"
dot_module dot_insecure "{insecure_skip_verify: true}"
dot_module dot_insecure_wrong_name "{insecure_skip_verify: true, server_name: elsewhere.example.test}"

# ---- the two exporters -------------------------------------------------------------------------
start_exporters "$TMP/blackbox.yml"

D="127.0.0.1:$DNS_PORT"
MATRIX=(
  "dns_a $D" "dns_a_exact $D" "dns_a_mismatch $D" "dns_a_matches $D" "dns_a_all_match $D"
  "dns_nx $D" "dns_nx_ok $D" "dns_tcp $D" "dns_tcp_nx $D" "dns_aaaa_none $D"
  "dns_a 127.0.0.1:${PEER_PORT[silent]}" "dns_tcp 127.0.0.1:${PEER_PORT[silent]}"
  "dns_a 127.0.0.1:${PEER_PORT[tc]}" "dns_a_exact 127.0.0.1:${PEER_PORT[tc]}"
  "dns_a 127.0.0.1:${PEER_PORT[spoof]}" "dns_a_exact 127.0.0.1:${PEER_PORT[spoof]}"
  "dns_a 127.0.0.1:${PEER_PORT[garbage]}" "dns_a 127.0.0.1:${PEER_PORT[big]}"
  "dot_trusted 127.0.0.1:$DOT_PORT" "dot_trusted localhost:$DOT_PORT" "dot_named 127.0.0.1:$DOT_PORT"
  "dot_untrusted 127.0.0.1:$DOT_PORT" "dot_wrong_name 127.0.0.1:$DOT_PORT" "dot_insecure 127.0.0.1:$DOT_PORT"
  "dot_insecure_wrong_name 127.0.0.1:$DOT_PORT" "dot_trusted $D"
)
value() { metric_value "$@"; }
FAILED=0
for entry in "${MATRIX[@]}"; do
  compare_probe "${entry% *}" "${entry#* }" probe_dns_answer_rrs
done
[[ $FAILED -eq 0 ]] || fail "the exporters disagree (see DIFF lines)"
# blackbox_exporter refuses the TLS cases for the reasons ours gives (Go's words, in its debug output)
reason_theirs() { # $1 = module, $2 = target, $3 = text its debug output must contain
  curl -G "http://127.0.0.1:$BBE_PORT/probe" --data-urlencode "module=$1" --data-urlencode "target=$2" \
    --data-urlencode debug=true >"$TMP/debug-theirs"
  grep -qF -- "$3" "$TMP/debug-theirs" || fail "blackbox_exporter's debug=true for $1 $2 does not say '$3'"
}
reason_theirs dot_trusted "127.0.0.1:$DOT_PORT" "dial_protocol=tcp4-tls"
reason_theirs dot_untrusted "127.0.0.1:$DOT_PORT" "certificate signed by unknown authority"
reason_theirs dot_wrong_name "127.0.0.1:$DOT_PORT" "not elsewhere.example.test"

# ---- ours only: the built-in dns_udp module, the reasons in debug=true, the loop still serving ---
probe_ours() { curl -G "http://127.0.0.1:$OUR_PORT/probe" --data-urlencode "module=$1" --data-urlencode "target=$2" "${@:3}"; }
probe_ours dns_udp "$D" >"$TMP/default"
[[ "$(value probe_success "$TMP/default")" == 1 ]] || fail "the built-in dns_udp module failed against dnsmasq"
[[ "$(value probe_dns_rcode "$TMP/default")" == 0 ]] || fail "no probe_dns_rcode 0 from dns_udp"
reason() { # $1 = module, $2 = target, $3 = text the debug log must contain
  probe_ours "$1" "$2" --data-urlencode debug=true >"$TMP/debug"
  grep -qF -- "$3" "$TMP/debug" || fail "debug=true for $1 $2 does not say '$3'"
}
reason dns_a "127.0.0.1:${PEER_PORT[garbage]}" "is not the query's"
reason dns_a "127.0.0.1:${PEER_PORT[big]}" "exceeds 512"
reason dns_a "127.0.0.1:${PEER_PORT[tc]}" "truncated (TC bit)"
reason dns_a "127.0.0.1:${PEER_PORT[spoof]}" "Ignoring a datagram"
reason dns_a "127.0.0.1:${PEER_PORT[silent]}" "i/o timeout"
reason dot_trusted "127.0.0.1:$DOT_PORT" "dial_protocol=tcp4-tls"
reason dot_untrusted "127.0.0.1:$DOT_PORT" "certificate verification failed"
reason dot_wrong_name "127.0.0.1:$DOT_PORT" "elsewhere.example.test"
probe_ours dns_a "$D" >"$TMP/after"
[[ "$(value probe_success "$TMP/after")" == 1 ]] || fail "the loop no longer serves after the hostile peers"
log "dns_udp built in, hostile peers and refused TLS each failed with a reason in debug=true, loop still serving"
