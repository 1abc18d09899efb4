# Helpers shared by the end-to-end scripts (sourced, not run). Every wait is bounded.

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
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
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
