#!/usr/bin/env bash
# End-to-end check of the real container image: builds the repository's Dockerfile with podman (or
# Docker) and checks the running image.
#  1. installs what it needs (apt-get);
#  2. builds stand-ins for the Dockerfile's bases eclipse-temurin:25-jdk and debian:bookworm-slim
#     (Debian bookworm by debootstrap, slimmed as Debian's image is; the JDK stand-in adds this
#     machine's Temurin 25 JDK, laid out like the Temurin image) or loads them from its cache folder;
#     with ASYNCORE_IMAGE_BASES=pull the real bases are pulled instead (a machine with a registry);
#  3. builds the Dockerfile (--pull=never, --format docker so HEALTHCHECK survives);
#  4. runs it with --network host on free ports moved through the configuration placeholders and
#     checks readiness, liveness, TCP and UDP echo, discard, the non-root uid, the health check, the
#     AOT cache (valid for the ENTRYPOINT's options, mapped by the running service), the layers (the
#     application is the last copied layer and small), the image size budget;
#  5. stops it with `stop -t 30` while a client is in the middle of a 2 MiB echo: the client gets
#     every byte back and the exit status is 143 or 0.
# Loopback only; every wait is bounded; containers it started are removed on exit. Prints PASS/FAIL.
# With ASYNCORE_IMAGE_PROFILE=blackbox-slot it builds and checks the slot variant instead
# (--build-arg PROFILE=blackbox-slot, tagged :e2e-blackbox-slot): no HTTP or management port bound,
# /-/healthy and /metrics on the blackbox port, the health check on ASYNCORE_BLACKBOX_PORT; the rest
# as above. CI runs the default image only (a second build costs minutes); ImageProfileTest checks
# on every build that the Dockerfile passes the profile to the training run, the ENV and the check.
#
# Environment: ENGINE=podman|docker (default podman), ASYNCORE_IMAGE_CACHE (default
# /var/cache/asyncore-image-e2e), ASYNCORE_IMAGE_BASES=standin|pull (default standin),
# IMAGE_SIZE_BUDGET_MB (default 196), ASYNCORE_IMAGE_PROFILE (default empty: Spring's default profile).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
STARTED=$SECONDS
ENGINE="${ENGINE:-podman}"
CACHE="${ASYNCORE_IMAGE_CACHE:-/var/cache/asyncore-image-e2e}"
BASES="${ASYNCORE_IMAGE_BASES:-standin}"
PROFILE="${ASYNCORE_IMAGE_PROFILE:-}"
[[ -z $PROFILE || $PROFILE == blackbox-slot ]] || { echo "ASYNCORE_IMAGE_PROFILE is empty or blackbox-slot, not $PROFILE" >&2; exit 2; }
IMAGE="localhost/asyncore-service:e2e${PROFILE:+-$PROFILE}"
JDK_BASE="docker.io/library/eclipse-temurin:25-jdk"
RUN_BASE="docker.io/library/debian:bookworm-slim"
# The budget: issue 23's target, 200 MiB less a margin. Measured 189 MiB on 2026-12-07 (the root taken
# from the slim base 8 MB, the jlinked runtime 65 MB, the dependencies 37 MB -- cel-java with guava,
# protobuf and antlr 7 MB of it --, the AOT cache 78 MB); 179 MiB before cel-java, brotli and hpack.
IMAGE_SIZE_BUDGET_MB="${IMAGE_SIZE_BUDGET_MB:-196}"
APP_LAYER_BUDGET_KB=2048
TMP="$(mktemp -d /tmp/asyncore-image-e2e.XXXXXX)"
CONTAINERS=()

log() { printf '[image %3ds] %s\n' "$((SECONDS - STARTED))" "$*"; }
fail() {
  log "FAIL: $*"
  for c in "${CONTAINERS[@]}"; do
    echo "---- logs of container $c"; "$ENGINE" logs --tail 40 "$c" 2>&1 || true
  done
  exit 1
}
cleanup() {
  local rc=$?
  for c in "${CONTAINERS[@]}"; do "$ENGINE" rm -f -t 0 "$c" >/dev/null 2>&1 || "$ENGINE" rm -f "$c" >/dev/null 2>&1 || true; done
  rm -rf "$TMP"
  if [[ $rc -eq 0 ]]; then echo "PASS: image end-to-end ($((SECONDS - STARTED))s)"; else echo "FAIL: image end-to-end (exit $rc)"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
curl() { command curl --max-time 10 "$@"; }

# wait_for, free_port, as_root
source "$ROOT/src/test/e2e/e2e-lib.sh"

# ---- 1. tools ----------------------------------------------------------------------------------
need=()
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)
if [[ $ENGINE == podman ]]; then
  command -v podman >/dev/null || need+=(podman)
  command -v runc >/dev/null || need+=(runc)
fi
if [[ $BASES == standin ]]; then
  command -v debootstrap >/dev/null || need+=(debootstrap)
  command -v update-ca-certificates >/dev/null || need+=(ca-certificates)
fi
if [[ ${#need[@]} -gt 0 ]]; then
  log "installing ${need[*]} (apt)"
  as_root timeout 600 apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
as_root mkdir -p "$CACHE"

if [[ $ENGINE == podman ]]; then
  # podman as root asks for 1,048,576 open files, more than this sandbox may grant; crun refuses
  # the hybrid cgroups of these machines. A job-local containers.conf fixes both.
  hard_limit() { local v; v="$(ulimit -H "$1")"; [[ $v == unlimited ]] && v=$2; [[ $v -gt $2 ]] && v=$2; echo "$v"; }
  NOFILE="$(hard_limit -n 1048576)"; NPROC="$(hard_limit -u 32768)"
  cat >"$TMP/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$NOFILE:$NOFILE", "nproc=$NPROC:$NPROC"]
[engine]
runtime = "runc"
EOF
  export CONTAINERS_CONF="$TMP/containers.conf"
  BUILD_FLAGS=(--format docker --pull=never --network host)
else
  BUILD_FLAGS=(--network host)
fi
ENGINE_CMD=(env ${CONTAINERS_CONF:+CONTAINERS_CONF="$CONTAINERS_CONF"} "$ENGINE")
[[ $(id -u) -eq 0 ]] || ENGINE_CMD=(sudo -n "${ENGINE_CMD[@]}")
engine() { "${ENGINE_CMD[@]}" "$@"; }

# ---- 2. the bases ------------------------------------------------------------------------------
# The stand-ins: what the Dockerfile needs of debian:bookworm-slim (from Debian's mirror) and of
# eclipse-temurin:25-jdk (that base plus this machine's Temurin 25 JDK, where the Temurin image has it).
standin_rootfs() {   # $1: directory of the tarball
  local rootfs="$TMP/rootfs"
  as_root timeout 600 debootstrap --variant=minbase bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$TMP/debootstrap.log" 2>&1 \
    || { tail -n 20 "$TMP/debootstrap.log"; fail "debootstrap failed"; }
  # What Debian's official images carry: no package cache kept, gzipped indexes, no translations.
  as_root tee "$rootfs/etc/apt/apt.conf.d/docker-clean" >/dev/null <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::GzipIndexes "true";' | as_root tee "$rootfs/etc/apt/apt.conf.d/docker-gzip-indexes" >/dev/null
  echo 'Acquire::Languages "none";' | as_root tee "$rootfs/etc/apt/apt.conf.d/docker-no-languages" >/dev/null
  # ... and what makes the -slim variant: no documentation, manuals or translations, now or later.
  as_root tee "$rootfs/etc/dpkg/dpkg.cfg.d/docker" >/dev/null <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/man/*
EOF
  as_root find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  as_root find "$rootfs/usr/share/groff" "$rootfs/usr/share/info" "$rootfs/usr/share/man" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null || true
  as_root find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb http://deb.debian.org/debian-security bookworm-security main\n' \
    "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" | as_root tee "$rootfs/etc/apt/sources.list" >/dev/null
  as_root rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  as_root tar -C "$rootfs" -cf "$1/rootfs.tar" .
  as_root rm -rf "$rootfs"
}
standin_build() {   # $1: context directory; builds and tags both stand-ins
  local ctx=$1 squash=()
  mkdir -p "$ctx/local-ca"
  # Outbound HTTPS may be re-signed by a CA the host trusts locally: the build container must trust
  # it too, or ./mvnw cannot fetch Maven (none there: update-ca-certificates changes nothing).
  cp /usr/local/share/ca-certificates/*.crt "$ctx/local-ca/" 2>/dev/null || true
  # The JDK where Temurin's image has it, links resolved (a Debian-packaged JDK links its cacerts
  # to the host's Java trust store, which holds those local CAs as well).
  cp -rL "$JAVA_HOME" "$ctx/jdk"
  [[ -x $ctx/jdk/bin/jlink ]] || fail "$JAVA_HOME is not a JDK (no jlink)"
  # Security updates in, then one layer, as Debian publishes its image.
  cat >"$ctx/Containerfile.slim" <<'EOF'
FROM localhost/asyncore-debian:bookworm
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get upgrade -y \
    && rm -rf /var/lib/apt/lists/*
CMD ["bash"]
EOF
  cat >"$ctx/Containerfile.jdk" <<EOF
FROM $RUN_BASE
RUN apt-get update \\
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl binutils \\
    && rm -rf /var/lib/apt/lists/*
COPY local-ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates
COPY jdk/ /opt/java/openjdk/
ENV JAVA_HOME=/opt/java/openjdk \\
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    LANG=C.UTF-8
EOF
  [[ $ENGINE == podman ]] && squash=(--squash-all)
  { engine import --change 'CMD ["/bin/bash"]' "$ctx/rootfs.tar" localhost/asyncore-debian:bookworm \
      && engine build "${BUILD_FLAGS[@]}" "${squash[@]}" -f "$ctx/Containerfile.slim" -t "$RUN_BASE" "$ctx" \
      && engine build "${BUILD_FLAGS[@]}" -f "$ctx/Containerfile.jdk" -t "$JDK_BASE" "$ctx"; } >"$TMP/standins.log" 2>&1 \
    || { tail -n 40 "$TMP/standins.log"; fail "building the stand-in bases failed"; }
  rm -rf "$ctx/jdk"
  engine rmi localhost/asyncore-debian:bookworm >/dev/null 2>&1 || true
}
if [[ $BASES == standin ]]; then
  # Keyed by the recipe (these functions and the local CAs) and the ISO week: security updates
  # come in weekly, a changed recipe at once.
  KEY="$( { declare -f standin_rootfs standin_build; cat /usr/local/share/ca-certificates/*.crt "$JAVA_HOME/release" 2>/dev/null || true; } | sha256sum | cut -c1-16)"
  STANDINS="$CACHE/standins-$(date -u +%G-W%V)-$KEY.tar.gz"
  if engine image exists "$JDK_BASE" 2>/dev/null && engine image exists "$RUN_BASE" 2>/dev/null \
      && [[ -f "$STANDINS.ok" ]] && [[ "$(cat "$STANDINS.ok")" == "$(engine image inspect --format '{{.Id}}' "$JDK_BASE")" ]]; then
    log "stand-in bases already in the engine's storage ($STANDINS)"
  elif [[ -f "$STANDINS" ]]; then
    log "loading stand-in bases from $STANDINS"
    gzip -dc "$STANDINS" | engine load -q >/dev/null || fail "cannot load $STANDINS"
  else
    log "building stand-in bases (debootstrap bookworm, slimmed; + the Temurin JDK in $JAVA_HOME)"
    as_root find "$CACHE" -maxdepth 1 -name 'standins-*' -delete   # older weeks and recipes
    standin_rootfs "$TMP"
    standin_build "$TMP"
    as_root rm -f "$TMP/rootfs.tar"
    multi=(); [[ $ENGINE == podman ]] && multi=(--multi-image-archive)
    engine save "${multi[@]}" "$JDK_BASE" "$RUN_BASE" | gzip -1 | as_root tee "$STANDINS.part" >/dev/null
    as_root mv "$STANDINS.part" "$STANDINS"
  fi
  engine image inspect --format '{{.Id}}' "$JDK_BASE" | as_root tee "$STANDINS.ok" >/dev/null
  log "stand-ins: $(engine run --rm --network none "$JDK_BASE" java -version 2>&1 | head -n 1); $RUN_BASE $(( $(engine image inspect --format '{{.Size}}' "$RUN_BASE") >> 20 )) MiB"
else
  log "pulling the real bases"
  engine pull -q "$JDK_BASE" >/dev/null
  engine pull -q "$RUN_BASE" >/dev/null
fi

# ---- 3. the image ------------------------------------------------------------------------------
BUILD_STARTED=$SECONDS
log "building $IMAGE from Dockerfile${PROFILE:+ with PROFILE=$PROFILE}"
VOLUME_FLAGS=(); ARG_FLAGS=()
[[ -z $PROFILE ]] || ARG_FLAGS=(--build-arg "PROFILE=$PROFILE")
# A Maven repository kept across builds: a changed pom.xml does not fetch everything again.
if [[ $ENGINE == podman ]]; then as_root mkdir -p "$CACHE/m2"; VOLUME_FLAGS=(-v "$CACHE/m2:/root/.m2:Z"); fi
OLD_ID="$(engine image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
engine build "${BUILD_FLAGS[@]}" "${VOLUME_FLAGS[@]}" "${ARG_FLAGS[@]}" -t "$IMAGE" . >"$TMP/build.log" 2>&1 \
  || { tail -n 40 "$TMP/build.log"; fail "image build failed"; }
# The image of the previous run goes (the build stage's layers stay: they are the build cache).
[[ -z $OLD_ID || $OLD_ID == "$(engine image inspect --format '{{.Id}}' "$IMAGE")" ]] || engine rmi "$OLD_ID" >/dev/null 2>&1 || true
log "built in $((SECONDS - BUILD_STARTED))s; $(grep -m1 -o 'AOT training[^:]*: started.*' "$TMP/build.log" || echo 'no AOT training line in the build log')"
[[ "$(engine image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" | grep '^SPRING_PROFILES_ACTIVE=')" == "SPRING_PROFILES_ACTIVE=$PROFILE" ]] \
  || fail "the image's SPRING_PROFILES_ACTIVE is not \"$PROFILE\""

# ---- 4. the running image ----------------------------------------------------------------------
# Socket clients (loopback only, every call bounded).
cat >"$TMP/net.py" <<'PY'
import os, socket, subprocess, sys, time
mode, args = sys.argv[1], sys.argv[2:]
def tcp(port, timeout=10):
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=timeout); return s
def recv_exact(s, n):
    out = bytearray()
    while len(out) < n:
        b = s.recv(min(65536, n - len(out)))
        if not b: break
        out += b
    return bytes(out)
if mode == "echo":                      # port: 256 KiB there and back
    data = os.urandom(256 * 1024); s = tcp(args[0]); s.sendall(data)
    got = recv_exact(s, len(data)); s.close()
    sys.exit(0 if got == data else f"tcp echo returned {len(got)} of {len(data)} bytes, equal={got == data}")
elif mode == "udp":                     # port: one datagram back to its sender
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5); data = os.urandom(512)
    u.sendto(data, ("127.0.0.1", int(args[0]))); got, peer = u.recvfrom(2048)
    sys.exit(0 if got == data else "udp echo returned other bytes")
elif mode == "discard":                 # port: 1 MiB in, nothing out, then the server's EOF
    s = tcp(args[0]); s.sendall(os.urandom(1 << 20)); s.shutdown(socket.SHUT_WR)
    got = s.recv(65536); s.close()
    sys.exit(0 if got == b"" else f"discard sent {len(got)} bytes back")
elif mode == "udp-port":                # a UDP port free on 127.0.0.1 right now
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); print(u.getsockname()[1])
elif mode == "first-echo":              # port cmd...: runs cmd, prints seconds until the first echo
    t0 = time.monotonic(); subprocess.run(args[1:], check=True, stdout=subprocess.DEVNULL)
    while time.monotonic() - t0 < 180:
        try:
            s = tcp(args[0], 2); s.sendall(b"ping"); ok = recv_exact(s, 4) == b"ping"; s.close()
            if ok: print(f"{time.monotonic() - t0:.2f}"); sys.exit(0)
        except OSError: pass
        time.sleep(0.05)
    sys.exit("no echo within 180 s")
elif mode == "stop-client":             # port marker result: 2 MiB echo, paced; marker after 1 MiB
    total, chunk = 2 << 20, 64 << 10
    data = os.urandom(total); s = tcp(args[0], 40); got = bytearray()
    for i in range(0, total, chunk):
        s.sendall(data[i:i + chunk]); got += recv_exact(s, chunk)
        if i + chunk == total // 2: open(args[1], "w").close()
        if i + chunk > total // 2: time.sleep(0.1)          # the second MiB takes ~1.6 s
    s.shutdown(socket.SHUT_WR); rest = s.recv(65536); s.close()
    with open(args[2], "w") as f:
        f.write(f"{len(got)} {int(bytes(got) == data and rest == b'')} {time.time():.3f}\n")
PY
net() { timeout 200 python3 "$TMP/net.py" "$@"; }

HTTP_PORT=$(free_port); ECHO_PORT=$(free_port); DISCARD_PORT=$(free_port); ECHO_UDP_PORT=$(net udp-port)
# Actuator has its own port in the container configuration (MANAGEMENT_PORT), and the API refuses
# to start without a credential: pass a token's hash as a user of the image would.
MGMT_PORT=$(free_port); BLACKBOX_PORT=$(free_port)
TOKEN="$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')"
TOKEN_HASH="sha256:$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)"
# What a user of the image passes, as environment variables (credentials go here too).
RUN_ENV=(-e HTTP_PORT="$HTTP_PORT" -e MANAGEMENT_PORT="$MGMT_PORT" -e ASYNCORE_BIND_HOST=127.0.0.1
  -e ASYNCORE_ECHO_PORT="$ECHO_PORT" -e ASYNCORE_ECHO_UDP_PORT="$ECHO_UDP_PORT" -e ASYNCORE_DISCARD_PORT="$DISCARD_PORT"
  -e ASYNCORE_BLACKBOX_PORT="$BLACKBOX_PORT"
  -e HTTP_ADDRESS=127.0.0.1 -e MANAGEMENT_ADDRESS=127.0.0.1 -e ASYNCORE_SECURITY_TOKEN_HASH="$TOKEN_HASH")
NAME="asyncore-image-e2e-$$"
run_cmd() {   # $1: container name; the rest: extra run arguments before the image
  local name=$1; shift
  RUN_CMD=("${ENGINE_CMD[@]}" run -d --name "$name" --network host "${RUN_ENV[@]}" "$@" "$IMAGE")
}

log "running $IMAGE (http $HTTP_PORT, echo $ECHO_PORT tcp / $ECHO_UDP_PORT udp, discard $DISCARD_PORT)"
CONTAINERS+=("$NAME"); run_cmd "$NAME"
FIRST_ECHO="$(net first-echo "$ECHO_PORT" "${RUN_CMD[@]}")" || fail "no echo from the container"
log "first echo ${FIRST_ECHO}s after run"
BASE="http://127.0.0.1:$MGMT_PORT"
EXPORTER="http://127.0.0.1:$BLACKBOX_PORT"
if [[ -z $PROFILE ]]; then
  wait_for 60 curl -fsS "$BASE/actuator/health/readiness" || fail "not ready within 60 s of the first echo"
  curl -fsS "$BASE/actuator/health/liveness" | grep -q '"status":"UP"' || fail "liveness is not UP"
  curl -fsS "$BASE/actuator/health/readiness" | grep -q '"status":"UP"' || fail "readiness is not UP"
  METRICS=(curl -fsS "$BASE/actuator/prometheus")
else
  # The slot: blackbox_exporter's /-/healthy and /metrics on the blackbox port; no Tomcat at all.
  wait_for 60 curl -fsS "$EXPORTER/-/healthy" || fail "/-/healthy not answering within 60 s of the first echo"
  [[ "$(curl -fsS "$EXPORTER/-/healthy")" == Healthy ]] || fail "/-/healthy does not say Healthy"
  for port in "$HTTP_PORT" "$MGMT_PORT"; do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && fail "something answers on port $port (HTTP_PORT or MANAGEMENT_PORT) in the slot"
  done
  grep -q 'Tomcat started' <<<"$(engine logs "$NAME" 2>&1)" && fail "a Tomcat started in the slot"
  METRICS=(curl -fsS -H "Authorization: Bearer $TOKEN" "$EXPORTER/metrics")
fi
LOGS="$(engine logs "$NAME" 2>&1)"
for l in "echo' (echo tcp) bound to 127.0.0.1:$ECHO_PORT" "echo-udp' (echo udp) bound to 127.0.0.1:$ECHO_UDP_PORT" \
    "discard' (discard tcp) bound to 127.0.0.1:$DISCARD_PORT" "blackbox' (blackbox tcp) bound to 127.0.0.1:$BLACKBOX_PORT"; do
  grep -qF "Listener '$l" <<<"$LOGS" || fail "the placeholders did not move the listener: no \"Listener '$l\" in the log"
done
if [[ -z $PROFILE ]]; then
  log "readiness and liveness UP; the ASYNCORE_*_PORT, ASYNCORE_BIND_HOST and HTTP_PORT placeholders moved every listener"
else
  log "slot: /-/healthy answers, nothing on HTTP_PORT or MANAGEMENT_PORT, no Tomcat; the placeholders moved every listener"
fi

net echo "$ECHO_PORT" || fail "TCP echo"
net udp "$ECHO_UDP_PORT" || fail "UDP echo"
net discard "$DISCARD_PORT" || fail "discard"
wait_for 10 bash -c "${METRICS[*]@Q} | grep -E '^asyncore_bytes_total\{.*direction=\"received\".*listener=\"discard\".*\} [0-9.E]+' \
  | awk '{ exit !(\$2 >= 1048576) }'" || fail "the discard listener did not count 1 MiB received"
log "TCP echo (256 KiB), UDP echo, discard (1 MiB counted) work"

PID="$(engine inspect --format '{{.State.Pid}}' "$NAME")"
UIDS="$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$PID/status")"
[[ $UIDS == "10001 10001 10001 10001" ]] || fail "the service runs as uid $UIDS, not 10001"
[[ "$(engine inspect --format '{{.Config.User}}' "$IMAGE")" == 10001:10001 ]] || fail "the image's USER is not 10001:10001"
log "the service runs as uid 10001 (the image's USER)"

# The health check: healthy on the moved port; unhealthy when nothing answers on the port it checks
# (MANAGEMENT_PORT; in the slot ASYNCORE_BLACKBOX_PORT, where /-/healthy is).
HEALTH_PORT_VAR=MANAGEMENT_PORT; HEALTH_PORT=$MGMT_PORT
[[ -z $PROFILE ]] || { HEALTH_PORT_VAR=ASYNCORE_BLACKBOX_PORT; HEALTH_PORT=$BLACKBOX_PORT; }
if [[ $ENGINE == podman ]]; then
  engine healthcheck run "$NAME" >/dev/null || fail "podman healthcheck run: unhealthy"
else
  wait_for 40 bash -c "[[ \$(${ENGINE_CMD[*]} inspect --format '{{.State.Health.Status}}' $NAME) == healthy ]]" || fail "docker health status is not healthy"
fi
# (podman shows it as .Healthcheck, Docker as .Config.Healthcheck)
mapfile -t CHECK < <(engine image inspect "$IMAGE" | python3 -c 'import json,sys
d = json.load(sys.stdin)[0]; h = d.get("Healthcheck") or (d.get("Config") or {}).get("Healthcheck") or {}
print("\n".join((h.get("Test") or [])[1:]))')
[[ ${#CHECK[@]} -gt 0 ]] || fail "the image has no HEALTHCHECK (built without --format docker?)"
if engine exec -e "$HEALTH_PORT_VAR=$(free_port)" "$NAME" "${CHECK[@]}" >/dev/null 2>&1; then
  fail "the health check passes with nothing listening on $HEALTH_PORT_VAR"
fi
log "health check healthy on $HEALTH_PORT_VAR=$HEALTH_PORT, unhealthy on a port nothing listens on"
if [[ -z $PROFILE ]]; then
  # The API on HTTP_PORT: refused without the token, served with it.
  API="http://127.0.0.1:$HTTP_PORT"
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$API/fetch?url=http://127.0.0.1:$HTTP_PORT/")" == 401 ]] \
    || fail "the API answers without a credential"
  [[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$API/actuator/reactor")" =~ ^(401|404)$ ]] \
    || fail "Actuator is served on the API port"
  [[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$MGMT_PORT/actuator/reactor")" == 200 ]] \
    || fail "the reactor endpoint refused the token passed through ASYNCORE_SECURITY_TOKEN_HASH"
  log "credentials through the environment: the API refuses strangers, the token reads the reactor endpoint"
else
  PROBE="$EXPORTER/probe?module=tcp_connect&target=127.0.0.1:$ECHO_PORT"
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$PROBE")" == 401 ]] || fail "the slot's /probe answers without a credential"
  curl -fsS -H "Authorization: Bearer $TOKEN" "$PROBE" | grep -qE '^probe_success 1(\.0)?$' || fail "the slot's tcp_connect /probe of the echo listener failed"
  log "credentials through the environment: /probe refuses strangers, the token probes the echo listener (probe_success 1)"
fi

# The AOT cache: valid for the ENTRYPOINT's options (-XX:AOTMode=on refuses to start without it),
# the source of the application's and its dependencies' classes, and mapped by the running service
# (a cache made with other options would be skipped silently, and the service start slowly).
mapfile -t ENTRY < <(engine image inspect --format '{{json .Config.Entrypoint}}' "$IMAGE" | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)))')
[[ ${ENTRY[0]} == java && " ${ENTRY[*]} " == *" -XX:AOTCache=app.aot "* ]] || fail "the ENTRYPOINT does not start java with -XX:AOTCache=app.aot: ${ENTRY[*]}"
AOT_LOADED="$(engine run --rm --network none -e ASYNCORE_SECURITY_ALLOW_ANONYMOUS=true --entrypoint java "$IMAGE" "${ENTRY[@]:1:${#ENTRY[@]}-3}" \
  -XX:AOTMode=on -Xlog:class+load:stdout -Dspring.context.exit=onRefresh -jar app.jar 2>&1 | grep -c 'source: shared objects file' || true)"
[[ $AOT_LOADED -gt 5000 ]] || fail "only $AOT_LOADED classes came from the AOT cache with -XX:AOTMode=on"
grep -q ' /app/app\.aot$' "/proc/$PID/maps" || fail "the running service has not mapped /app/app.aot"
log "AOT cache: mapped by the running service; $AOT_LOADED classes from it in a refresh-only start with the ENTRYPOINT's options and -XX:AOTMode=on"

# ---- 5. layers and size ------------------------------------------------------------------------
# History from the oldest layer on: the four layer COPYs of the Dockerfile, application last.
# Sizes in bytes ("272 kB" from podman, 272000 from Docker), one "bytes|created by" line each.
engine history --human=false --no-trunc --format '{{.Size}}|{{.CreatedBy}}' "$IMAGE" | tac | python3 -c 'import re,sys
units = {"": 1, "B": 1, "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9}
for line in sys.stdin:
    size, created = line.rstrip("\n").split("|", 1)
    n, unit = re.fullmatch(r"\s*([0-9.]+)\s*([A-Za-z]*)\s*", size).groups()
    print(f"{int(float(n) * units[unit])}|{created}")' >"$TMP/history"
# podman: "COPY dir:<hash> in ./", Docker: "COPY /layers/<layer>/ ./ # buildkit"
mapfile -t COPIES < <(grep -n -E '\|.*COPY .*[ /]\./ *(# buildkit)?$' "$TMP/history" | cut -d: -f1)
[[ ${#COPIES[@]} -eq 4 ]] || { cat "$TMP/history"; fail "expected 4 layer COPYs into /app, found ${#COPIES[@]}"; }
size_at() { sed -n "${1}p" "$TMP/history" | cut -d'|' -f1; }
DEPS_SIZE=$(size_at "${COPIES[0]}"); APP_SIZE=$(size_at "${COPIES[3]}")
[[ $DEPS_SIZE -gt $((10 << 20)) ]] || fail "the dependencies layer has only $DEPS_SIZE bytes"
[[ $APP_SIZE -gt 0 && $APP_SIZE -le $((APP_LAYER_BUDGET_KB << 10)) ]] || fail "the application layer has $APP_SIZE bytes (budget ${APP_LAYER_BUDGET_KB} KiB)"
# After it: config/application.yml (small) and the AOT cache (made from it); nothing else of size.
AOT_SIZE=0
while IFS='|' read -r size created; do
  if [[ $created == *aot-training.sh* ]]; then AOT_SIZE=$size
  elif [[ $size -gt 65536 ]]; then fail "a layer of $size bytes follows the application layer: $created"; fi
done < <(tail -n +"$((COPIES[3] + 1))" "$TMP/history")
[[ $AOT_SIZE -gt 0 ]] || fail "no AOT cache layer after the application layer"
IMAGE_SIZE=$(engine image inspect --format '{{.Size}}' "$IMAGE")
[[ $IMAGE_SIZE -le $((IMAGE_SIZE_BUDGET_MB << 20)) ]] || fail "the image has $((IMAGE_SIZE >> 20)) MiB, budget $IMAGE_SIZE_BUDGET_MB MiB"
log "layers: dependencies $((DEPS_SIZE >> 20)) MiB, application $((APP_SIZE >> 10)) KiB (last copied), AOT cache $((AOT_SIZE >> 20)) MiB; image $((IMAGE_SIZE >> 20)) MiB (budget $IMAGE_SIZE_BUDGET_MB MiB)"

# ---- 6. stop in the middle of a 2 MiB echo -----------------------------------------------------
net stop-client "$ECHO_PORT" "$TMP/halfway" "$TMP/client.result" &
CLIENT_PID=$!
wait_for 30 test -f "$TMP/halfway" || fail "the client did not get 1 MiB echoed within 30 s"
STOP_AT=$(date +%s.%N); T0=$SECONDS
engine stop -t 30 "$NAME" >/dev/null || fail "stop failed"
STOP_TOOK=$((SECONDS - T0))
wait "$CLIENT_PID" || fail "the client failed during the stop"
read -r GOT SAME DONE_AT <"$TMP/client.result"
[[ $GOT -eq $((2 << 20)) && $SAME -eq 1 ]] || fail "the client got $GOT of $((2 << 20)) bytes back during the stop (equal=$SAME)"
awk -v a="$DONE_AT" -v b="$STOP_AT" 'BEGIN { exit !(a > b) }' || fail "the echo ended before the stop began: nothing was tested"
EXIT_CODE="$(engine inspect --format '{{.State.ExitCode}}' "$NAME")"
[[ $EXIT_CODE == 143 || $EXIT_CODE == 0 ]] || fail "exit status $EXIT_CODE after stop (expected 143 or 0)"
log "stop -t 30 during a 2 MiB echo: the client got every byte, exit $EXIT_CODE after ${STOP_TOOK}s"

# ---- 7. a plain `java -jar app.jar` start, for comparison (a figure, not a check: load varies) --
NAME_PLAIN="$NAME-plain"
CONTAINERS+=("$NAME_PLAIN"); run_cmd "$NAME_PLAIN" --entrypoint java
RUN_CMD+=(-jar app.jar)
PLAIN="$(net first-echo "$ECHO_PORT" "${RUN_CMD[@]}")" || fail "no echo from the container started with plain java -jar"
log "first echo: ${FIRST_ECHO}s with the image's ENTRYPOINT (AOT cache), ${PLAIN}s with plain java -jar ($(awk -v a="$FIRST_ECHO" -v b="$PLAIN" 'BEGIN { printf "%.2f", a / b }')x)"
