#!/usr/bin/env bash
# Side-by-side check of the icmp prober against the real blackbox_exporter (Debian's
# prometheus-blackbox-exporter 0.23, installed with apt if missing), both as root, inside a network
# namespace this script creates (and deletes) so that nothing touches the host's network or sysctls:
#  - loopback up with its MTU lowered to 1300, and a veth pair whose far end has no address, with a
#    permanent neighbour entry: 10.250.0.2 and fd00:250::2 take every packet and never answer;
#  - one module file (v4, v6, names, ttl, payload_size, dont_fragment over and under the MTU),
#    each module probed by both against 127.0.0.1, ::1, localhost and the silent addresses: the
#    same probe_success and probe_icmp_reply_hop_limit, our metric names a superset of theirs;
#  - the whole matrix twice: with the namespace's default ping_group_range ("1 0": raw sockets) and
#    with it open to every group (both use unprivileged datagram ping sockets);
#  - ours only: packets/interval/max_packet_loss_percent, and a run without CAP_NET_RAW (setpriv)
#    and without ping_group_range, whose failure names both permissions in debug=true.
# Free ports picked at run time, every wait bounded. Prints PASS or FAIL.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"

if [[ -z "${ICMP_E2E_NETNS:-}" ]]; then
  # outside: build or find the jar, make the namespace, run this script again inside it
  source "$ROOT/src/test/e2e/e2e-lib.sh"
  if [[ $(id -u) -ne 0 ]]; then # root for raw sockets and the namespace: sudo if it asks no password
    sudo -n true 2>/dev/null || { echo "FAIL: blackbox icmp end-to-end needs root or sudo -n"; exit 1; }
    exec sudo -n env PATH="$PATH" JAVA_HOME="${JAVA_HOME:-}" bash "$0" "$@"
  fi
  apt_need prometheus-blackbox-exporter prometheus-blackbox-exporter
  JAR="$(service_jar)"
  NS="asyncore-icmp-e2e-$$"
  ip netns add "$NS"
  trap 'ip netns delete "$NS" 2>/dev/null || true' EXIT
  ip -n "$NS" link set lo up
  ip -n "$NS" link set lo mtu 1300
  ip -n "$NS" link add v0 type veth peer name v1
  ip -n "$NS" addr add 10.250.0.1/24 dev v0
  ip -n "$NS" addr add fd00:250::1/64 dev v0 nodad
  ip -n "$NS" link set v0 up
  ip -n "$NS" link set v1 up
  ip -n "$NS" neigh add 10.250.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent
  ip -n "$NS" neigh add fd00:250::2 lladdr 02:00:00:00:00:02 dev v0 nud permanent
  rc=0
  ICMP_E2E_NETNS="$NS" ICMP_E2E_JAR="$JAR" ip netns exec "$NS" bash "$0" "$@" || rc=$?
  exit "$rc"
fi

STARTED=$SECONDS
TMP="$(mktemp -d /tmp/asyncore-icmp-e2e.XXXXXX)"
PIDS=()
curl() { command curl --max-time 30 -sS "$@"; }
source "$ROOT/src/test/e2e/e2e-lib.sh"
e2e_begin blackbox-icmp-e2e "blackbox icmp end-to-end" app.log bbe.log nocap.log
BBE="$(command -v prometheus-blackbox-exporter || echo /usr/bin/prometheus-blackbox-exporter)"
JAR="$ICMP_E2E_JAR"
chmod a+rx "$TMP"
log "in network namespace $ICMP_E2E_NETNS (lo mtu 1300, silent peers 10.250.0.2 and fd00:250::2)"

cat > "$TMP/blackbox.yml" <<'YML'
modules:
  icmp_any:
    prober: icmp
    timeout: 2s
  icmp_v4:
    prober: icmp
    timeout: 2s
    icmp:
      preferred_ip_protocol: ip4
  icmp_v6:
    prober: icmp
    timeout: 2s
    icmp:
      preferred_ip_protocol: ip6
      ip_protocol_fallback: false
  icmp_v4_only:
    prober: icmp
    timeout: 2s
    icmp:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
  icmp_ttl:
    prober: icmp
    timeout: 2s
    icmp:
      preferred_ip_protocol: ip4
      ttl: 5
  icmp_payload:
    prober: icmp
    timeout: 2s
    icmp:
      preferred_ip_protocol: ip4
      payload_size: 1400
  icmp_payload_v6:
    prober: icmp
    timeout: 2s
    icmp:
      payload_size: 1400
  icmp_df_fits:
    prober: icmp
    timeout: 2s
    icmp:
      preferred_ip_protocol: ip4
      dont_fragment: true
      payload_size: 1000
  icmp_df_too_big:
    prober: icmp
    timeout: 2s
    icmp:
      preferred_ip_protocol: ip4
      dont_fragment: true
      payload_size: 1400
  icmp_source:
    prober: icmp
    timeout: 2s
    icmp:
      preferred_ip_protocol: ip4
      source_ip_address: 127.0.0.1
YML
# ours reads the same modules plus ours-only options
cp "$TMP/blackbox.yml" "$TMP/ours.yml"
cat >> "$TMP/ours.yml" <<'YML'
  icmp_three:
    prober: icmp
    timeout: 3s
    icmp:
      preferred_ip_protocol: ip4
      packets: 3
      interval: 100ms
  icmp_three_lossy_ok:
    prober: icmp
    timeout: 1s
    icmp:
      preferred_ip_protocol: ip4
      packets: 3
      interval: 100ms
      max_packet_loss_percent: 100
YML
start_exporters "$TMP/blackbox.yml" "$TMP/ours.yml"

MATRIX=(
  "icmp_any 127.0.0.1" "icmp_any ::1" "icmp_any localhost" "icmp_v4 127.0.0.1" "icmp_v4 localhost"
  "icmp_v6 ::1" "icmp_v6 127.0.0.1" "icmp_v4_only ::1" "icmp_ttl 127.0.0.1" "icmp_payload 127.0.0.1"
  "icmp_payload_v6 ::1" "icmp_df_fits 127.0.0.1" "icmp_df_too_big 127.0.0.1" "icmp_source 127.0.0.1"
  "icmp_v4 10.250.0.2" "icmp_v6 fd00:250::2" "icmp_any no-such-host.invalid"
)
value() { metric_value "$@"; }
FAILED=0
run_matrix() {
  local entry
  for entry in "${MATRIX[@]}"; do
    compare_probe "${entry% *}" "${entry#* }" probe_icmp_reply_hop_limit
  done
}
log "ping_group_range $(cat /proc/sys/net/ipv4/ping_group_range | tr '\t' ' '): raw sockets"
run_matrix
sysctl -q -w net.ipv4.ping_group_range="0 2147483647" # this namespace's only
log "ping_group_range 0 2147483647: unprivileged datagram sockets"
run_matrix
[[ $FAILED -eq 0 ]] || fail "the exporters disagree (see DIFF lines)"
probe_ours() { curl -G "http://127.0.0.1:$OUR_PORT/probe" --data-urlencode "module=$1" --data-urlencode "target=$2" "${@:3}"; }
probe_ours icmp_v4 127.0.0.1 --data-urlencode debug=true >"$TMP/debug"
grep -qF "Using an unprivileged datagram ICMP socket" "$TMP/debug" || fail "no datagram socket with ping_group_range open"
grep -q '^probe_success 1' "$TMP/debug" || fail "icmp_v4 127.0.0.1 failed over a datagram socket"
sysctl -q -w net.ipv4.ping_group_range="1 0"

# ---- ours only: several packets, and the loss threshold -------------------------------------
probe_ours icmp_three 127.0.0.1 >"$TMP/three"
[[ "$(value probe_success "$TMP/three")" == 1 && "$(value probe_icmp_packets_received_count "$TMP/three")" == 3 ]] \
  || fail "icmp_three did not get three replies"
probe_ours icmp_three_lossy_ok 10.250.0.2 >"$TMP/lossy"
[[ "$(value probe_success "$TMP/lossy")" == 0 && "$(value probe_icmp_packets_sent_count "$TMP/lossy")" == 3 ]] \
  || fail "icmp_three_lossy_ok to a silent peer: no reply must fail whatever the threshold"
log "ok   packets: 3 (3 of 3 answered; 0 of 3 answered fails at max_packet_loss_percent 100)"

# ---- ours only: no CAP_NET_RAW and no ping_group_range: a failure naming both ---------------
NOCAP_PORT=$(free_port); NOCAP_HTTP=$(free_port)
(cd "$TMP" && exec setpriv --bounding-set -net_raw --inh-caps -net_raw java -jar "$JAR" --server.port="$NOCAP_HTTP" \
  --server.address=127.0.0.1 --asyncore.listeners[0].name=blackbox --asyncore.listeners[0].type=blackbox \
  --asyncore.listeners[0].host=127.0.0.1 --asyncore.listeners[0].port="$NOCAP_PORT" \
  --asyncore.blackbox.config-file="$TMP/ours.yml") >"$TMP/nocap.log" 2>&1 &
PIDS+=($!)
wait_for 120 curl -f "http://127.0.0.1:$NOCAP_PORT/-/healthy" || fail "our exporter without CAP_NET_RAW not up within 120s"
curl -G "http://127.0.0.1:$NOCAP_PORT/probe" --data-urlencode module=icmp_v4 --data-urlencode target=127.0.0.1 \
  --data-urlencode debug=true >"$TMP/nocap"
grep -q '^probe_success 0' "$TMP/nocap" || fail "without CAP_NET_RAW the probe did not fail"
grep -qF "CAP_NET_RAW" "$TMP/nocap" && grep -qF "net.ipv4.ping_group_range" "$TMP/nocap" \
  || fail "the failure without permission does not name CAP_NET_RAW and ping_group_range"
log "ok   without CAP_NET_RAW or ping_group_range: probe_success 0 naming both permissions"
