# asyncore-service image: build with the Maven wrapper on a Temurin 25 JDK, run the extracted Spring
# Boot layers on a jlinked Java 25 runtime with an AOT cache made by a training run at build time.
#   docker build -t asyncore-service:0.1.0 .
#   docker build --build-arg PROFILE=blackbox-slot -t asyncore-service:0.1.0-slot .   (no Tomcat, no Actuator over
#     HTTP: blackbox_exporter's paths on 9115 alone; src/docs/container.md "A blackbox_exporter slot")
#   docker run --rm -p 8080:8080 -p 9090:9090 -p 7007:7007 -p 7007:7007/udp -p 7009:7009 -p 9115:9115 \
#     -e ASYNCORE_SECURITY_TOKEN_HASH=sha256:... asyncore-service:0.1.0
# The HTTP API binds 0.0.0.0 here and refuses to start without a credential: make a token and its
# hash with `java -jar app.jar hash-token` (src/docs/security.md). Settings and their figures:
# src/docs/container.md.

# ---- build: compile, package, split the jar into layers, link a runtime of the modules it uses ----
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
# The runtime: the modules jdeps finds in the jar and its dependencies, plus those reached only by
# reflection (java.management, java.logging) and jcmd for diagnostics (VM.native_memory), without
# debug attributes, man pages and headers, its module image compressed (98 MB -> 65 MB).
RUN jlink --add-modules java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.scripting,java.security.jgss,java.sql,jdk.jfr,jdk.management,jdk.unsupported,jdk.jcmd \
        --strip-java-debug-attributes --no-man-pages --no-header-files --compress=zip-6 --output /runtime
COPY src src
RUN ./mvnw -B -q package -DskipTests \
    && cp target/asyncore-service-*.jar app.jar \
    && java -Djarmode=tools -jar app.jar extract --layers --destination /layers

# ---- root: the few files of Debian's slim base the service needs (a distroless-style root) ----
# glibc and what bash, the health check and the training script use; the user; /tmp. No package
# manager, perl, iconv modules or docs: 74 MiB of base become ~8 MiB.
FROM debian:bookworm-slim AS root
RUN groupadd --system --gid 10001 asyncore \
    && useradd --system --uid 10001 --gid asyncore --no-create-home --shell /usr/sbin/nologin asyncore \
    && mkdir -p /rootfs/tmp /rootfs/etc /rootfs/usr/bin /rootfs/usr/sbin /rootfs/usr/lib/x86_64-linux-gnu /rootfs/usr/lib64 \
    && chmod 1777 /rootfs/tmp \
    && for link in bin sbin lib lib64; do cp -a "/$link" /rootfs/; done \
    && cp -a /etc/passwd /etc/group /etc/nsswitch.conf /etc/host.conf /rootfs/etc/ \
    && tools="bash dash sh cat cp cut date du env grep head id ls mkdir mktemp mv readlink rm sed seq sha256sum sleep tail tr base64 uname" \
    && for tool in $tools; do cp -a --parents "$(command -v "$tool")" /rootfs/; done \
    && for file in $(for tool in $tools; do command -v "$tool"; done) /usr/lib/x86_64-linux-gnu/libnss_*.so.2 /usr/lib/x86_64-linux-gnu/libresolv.so.2; do \
         ldd "$file" 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }'; echo "$file"; \
       done | sort -u | while read -r lib; do cp -a --parents "$lib" "$(readlink -f "$lib")" /rootfs/ 2>/dev/null || cp -a --parents "$lib" /rootfs/; done \
    && cp -a --parents /usr/lib/x86_64-linux-gnu/libm.so.6 /usr/lib/x86_64-linux-gnu/libdl.so.2 /usr/lib/x86_64-linux-gnu/libpthread.so.0 \
         /usr/lib/x86_64-linux-gnu/librt.so.1 /usr/lib/locale/C.utf8 /rootfs/

# ---- run: that root, the runtime, the layers from the least to the most often changed ----
FROM scratch
COPY --from=root /rootfs/ /
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8
COPY --from=build /runtime /opt/java/openjdk
COPY src/main/docker/aot-training.sh /usr/local/bin/aot-training.sh
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# Spring Boot reads ./config/application.yml from the work directory: listeners bind 0.0.0.0 here.
COPY config/application.yml config/application.yml
# Heap from the container's memory limit; die (and get restarted) rather than limp on OOM. Two malloc
# arenas instead of one per core and thread: the JIT's freed arenas otherwise stay resident. A young
# generation of 4 MiB to start with (2.6 by default): in a smaller one the probes in flight outlive
# it, are promoted and grow the old generation (RSS under load 179 MiB against 138; container.md).
ENV MALLOC_ARENA_MAX=2
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=30 -XX:MinRAMPercentage=30 -XX:NewSize=4m -XX:+ExitOnOutOfMemoryError"
# The Spring profile the training run and the service run with: empty (Spring Boot's default profile)
# or blackbox-slot. A cache trained with one profile serves the other poorly: build one image per profile.
ARG PROFILE=
ENV SPRING_PROFILES_ACTIVE=${PROFILE}
# AOT training run with the ENTRYPOINT's options (a cache made with others is refused): the service
# on free loopback ports answers a few hundred /probe requests, echoes, scrapes and health checks,
# then stops on SIGTERM and writes app.aot (classes loaded and linked). It binds only 127.0.0.1 and
# passes its own token, so it needs no credential from the builder. No method profiles (JEP 515,
# -XX:-AOTRecordTraining/-AOTReplayTraining): C1 alone compiles without them; they cost 4.9 MiB RSS.
RUN aot-training.sh app.aot -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining -XX:-AOTReplayTraining \
        -XX:+UseSerialGC -XX:+UseCompactObjectHeaders -XX:TieredStopAtLevel=1 -XX:TrimNativeHeapInterval=2000 \
    && rm -rf /tmp/*
USER 10001:10001
# 8080 the HTTP API (/fetch); 9090 Actuator (Prometheus, health); 7007 echo (TCP and UDP); 7009 discard; 9115 /probe
EXPOSE 8080 9090 7007 7007/udp 7009 9115
# (No --start-period: dockerfilelint rejects it; 6 retries give startup a minute.)
# Over bash's /dev/tcp, with no HTTP client in the image, healthy only on a "200" status line: the
# liveness group on the management port the configuration uses (MANAGEMENT_PORT); with the
# blackbox-slot profile, which serves no Actuator over HTTP, /-/healthy on the blackbox port.
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
    CMD ["bash", "-c", "if [[ ,${SPRING_PROFILES_ACTIVE// /}, == *,blackbox-slot,* ]]; then port=${ASYNCORE_BLACKBOX_PORT:-9115} path=/-/healthy; else port=${MANAGEMENT_PORT:-9090} path=/actuator/health/liveness; fi; exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET %s HTTP/1.0\\r\\n\\r\\n' $path >&3 && read -r -t 2 _ code _ <&3 && [ \"$code\" = 200 ]"]
# The options of the training run, and the cache it wrote (src/docs/container.md has each one's figure).
ENTRYPOINT ["java", "-XX:AOTCache=app.aot", "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining", "-XX:-AOTReplayTraining", "-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders", "-XX:TieredStopAtLevel=1", "-XX:TrimNativeHeapInterval=2000", "-jar", "app.jar"]
