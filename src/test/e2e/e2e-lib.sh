# Helpers shared by the end-to-end scripts (sourced, not run). Every wait is bounded.
# Sourcing it also selects a JDK 25 (use_jdk below): the jar is built for release 25 and every script
# starts it with `java`.

# Waits up to $1 seconds for the command that follows to succeed.
wait_for() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [[ $SECONDS -lt $deadline ]] || return 1
    sleep 0.5
  done
}

# A TCP port free on 127.0.0.1 right now.
free_port() {
  # below the kernel's ephemeral range (ip_local_port_range, 32768-60999 by default): a port the kernel
  # handed out for bind(0) could be taken again by any outgoing connection before the service binds it
  python3 -c '
import random, socket
low = min(int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0]), 32768)
for _ in range(200):
    port = random.randrange(20000 if low > 21000 else 1024, low)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    raise SystemExit("no free port below the ephemeral range")'
}

# Exports JAVA_HOME and puts its bin/ first on PATH: a JDK of at least version $1 (default 25, the
# pom's java.version): $JAVA_HOME if it is one, else the java on PATH, else the first under
# /usr/lib/jvm. Returns 1 with a message naming what it found when there is none.
use_jdk() {
  local want=${1:-25} home version java_bin seen=()
  java_bin="$(command -v java 2>/dev/null || true)"
  for home in "${JAVA_HOME:-}" "${java_bin:+$(dirname "$(dirname "$(readlink -f "$java_bin")")")}" /usr/lib/jvm/*; do
    [[ -n $home && -x $home/bin/java && -x $home/bin/javac ]] || continue
    version="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null || true)"
    seen+=("$home (${version:-no release file})")
    if [[ -n $version && $version -ge $want ]]; then
      export JAVA_HOME="$home" PATH="$home/bin:$PATH"
      return 0
    fi
  done
  echo "No JDK $want or newer: JAVA_HOME, the java on PATH and /usr/lib/jvm/* hold ${seen[*]:-none}." \
    "Install one (e.g. Temurin $want) and set JAVA_HOME to it." >&2
  return 1
}

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi; }

# Stops process $1 if it runs: SIGTERM, up to 10 s, then SIGKILL.
stop_pid() {
  local pid=$1
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}

# The common start of a script: log and fail for it (fail shows the tails of the given files under
# $TMP) and an exit trap that stops every pid in PIDS, removes $TMP and prints PASS or FAIL with
# $2. Call it after setting STARTED, TMP and PIDS.  e2e_begin TAG TITLE [LOG_FILE ...]
e2e_begin() {
  E2E_TAG=$1
  E2E_TITLE=$2
  shift 2
  E2E_LOGS=("$@")
  log() { printf '[%s %3ds] %s\n' "$E2E_TAG" "$((SECONDS - STARTED))" "$*"; }
  fail() {
    log "FAIL: $*"
    local f
    for f in "${E2E_LOGS[@]}"; do
      [[ -f "$TMP/$f" ]] && { echo "---- tail of $TMP/$f"; tail -n 30 "$TMP/$f"; }
    done
    exit 1
  }
  trap e2e_end EXIT
  trap 'exit 130' INT TERM
}

e2e_end() {
  local rc=$? pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  rm -rf "$TMP"
  if [[ $rc -eq 0 ]]; then echo "PASS: $E2E_TITLE ($((SECONDS - STARTED))s)"; else echo "FAIL: $E2E_TITLE (exit $rc)"; fi
}

# Installs Debian package $2 (apt) unless command $1 is on PATH or in /usr/sbin or /usr/bin.
apt_need() {
  command -v "$1" >/dev/null 2>&1 || [[ -x "/usr/sbin/$1" ]] || [[ -x "/usr/bin/$1" ]] && return 0
  echo "installing $2 (apt)"
  as_root timeout 600 apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends "$2" >/dev/null
}

# A private CA ($1/ca.pem) and a server certificate it signed for localhost and 127.0.0.1
# ($1/server.pem, $1/server.key), made with openssl; $2 names the CA.
local_pki() {
  local pki=$1
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=asyncore $2 e2e CA" \
    -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$pki/server.key" -out "$pki/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$pki/san.ext"
  openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial -days 30 \
    -extfile "$pki/san.ext" -out "$pki/server.pem" 2>/dev/null
}

# The absolute path of the service jar in target/ (run from the repository root), packaging it if there is none.
service_jar() {
  local jar
  jar="$(ls target/asyncore-service-*.jar 2>/dev/null | head -n 1 || true)"
  if [[ -z "$jar" ]]; then
    echo "no jar in target/: packaging" >&2
    timeout 900 ./mvnw -B -q package -DskipTests >&2
    jar="$(ls target/asyncore-service-*.jar | head -n 1)"
  fi
  echo "$PWD/$jar"
}

# The value of the unlabelled sample $1 in the Prometheus text file $2.
metric_value() { awk -v n="$1" '$1 == n { print $2 }' "$2"; }

# The metric names in the Prometheus text file $1, sorted, one a line.
metric_names() { grep -v '^#' "$1" | sed -E 's/[{ ].*//' | sort -u; }

# Starts the real blackbox_exporter ($BBE) with module file $1 and ours ($JAR) with module file $2
# (default: $1), each on a free loopback port (BBE_PORT, OUR_PORT; our HTTP port APP_HTTP), logs in
# $TMP/bbe.log and $TMP/app.log, and waits until both answer /-/healthy.
start_exporters() {
  local theirs=$1 ours=${2:-$1}
  BBE_PORT=$(free_port); OUR_PORT=$(free_port); APP_HTTP=$(free_port)
  "$BBE" --config.file="$theirs" --web.listen-address="127.0.0.1:$BBE_PORT" >"$TMP/bbe.log" 2>&1 &
  PIDS+=($!)
  (cd "$TMP" && exec java -jar "$JAR" --server.port="$APP_HTTP" --server.address=127.0.0.1 \
    --asyncore.listeners[0].name=blackbox --asyncore.listeners[0].type=blackbox \
    --asyncore.listeners[0].host=127.0.0.1 --asyncore.listeners[0].port="$OUR_PORT" \
    --asyncore.blackbox.config-file="$ours") >"$TMP/app.log" 2>&1 &
  PIDS+=($!)
  wait_for 60 curl -f "http://127.0.0.1:$BBE_PORT/-/healthy" || fail "blackbox_exporter not up within 60s"
  wait_for 120 curl -f "http://127.0.0.1:$OUR_PORT/-/healthy" || fail "our exporter not up within 120s"
}

# Probes module $1 and target $2 with both exporters at once (answers in $TMP/theirs and $TMP/ours)
# and compares probe_success, the metric $3 and the names (ours must include theirs); logs ok or
# DIFF, and sets FAILED=1 on a difference.
compare_probe() {
  local module=$1 target=$2 metric=$3 theirs_pid ts os tm om missing
  curl -G "http://127.0.0.1:$BBE_PORT/probe" --data-urlencode "module=$module" --data-urlencode "target=$target" \
    >"$TMP/theirs" &
  theirs_pid=$!
  curl -G "http://127.0.0.1:$OUR_PORT/probe" --data-urlencode "module=$module" --data-urlencode "target=$target" \
    >"$TMP/ours" || fail "our exporter did not answer $module $target"
  wait "$theirs_pid" || fail "blackbox_exporter did not answer $module $target"
  ts=$(metric_value probe_success "$TMP/theirs"); os=$(metric_value probe_success "$TMP/ours")
  tm=$(metric_value "$metric" "$TMP/theirs"); om=$(metric_value "$metric" "$TMP/ours")
  missing=$(comm -23 <(metric_names "$TMP/theirs") <(metric_names "$TMP/ours") | tr '\n' ' ')
  if [[ "$ts" == "$os" && "$tm" == "$om" && -z "$missing" && -n "$ts" ]]; then
    log "ok   $module $target: success=$os $metric=${om:-absent}"
  else
    log "DIFF $module $target: success theirs=$ts ours=$os, $metric theirs=$tm ours=$om, names only theirs: $missing"
    FAILED=1
  fi
}

use_jdk 25 || exit 1
