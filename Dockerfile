# asyncore-service image: build with the Maven wrapper, run the extracted Spring Boot layers on a JRE
# with a class-data-sharing (CDS) archive made by a training run at build time.
#   docker build -t asyncore-service:0.1.0 .
#   docker run --rm -p 8080:8080 -p 9090:9090 -p 7007:7007 -p 7007:7007/udp -p 7009:7009 \
#     -e ASYNCORE_SECURITY_TOKEN_HASH=sha256:... asyncore-service:0.1.0
# The HTTP API binds 0.0.0.0 here and refuses to start without a credential: make a token and its
# hash with `java -jar app.jar hash-token` (src/docs/security.md).

# ---- build: compile, package, and split the jar into layers ----
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests \
    && cp target/asyncore-service-*.jar app.jar \
    && java -Djarmode=tools -jar app.jar extract --layers --destination /layers

# ---- run: a JRE, the layers from the least to the most often changed, a non-root user ----
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 asyncore \
    && useradd --system --uid 10001 --gid asyncore --no-create-home --shell /usr/sbin/nologin asyncore
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# Spring Boot reads ./config/application.yml from the work directory: listeners bind 0.0.0.0 here.
COPY config/application.yml config/application.yml
# Size the heap from the container's memory limit; die (and get restarted) rather than limp on OOM.
ENV JAVA_TOOL_OPTIONS="-XX:+UseContainerSupport -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# CDS training run, with the options above (the archive must match them): start the context up
# to its refresh (no port is bound) and archive the classes it loaded. The entrypoint maps the
# archive in (about half the time to the first echo); the JVM ignores a missing or stale one.
# The training run binds nothing, so it may run without the credentials the service requires.
RUN ASYNCORE_SECURITY_ALLOW_ANONYMOUS=true java -XX:ArchiveClassesAtExit=app.jsa -Xlog:cds=error -Xlog:cds+dynamic=error \
        -Dspring.context.exit=onRefresh -jar app.jar >/dev/null
USER 10001:10001
# 8080 the HTTP API (/fetch); 9090 Actuator (Prometheus, health); 7007 echo (TCP and UDP); 7009 discard
EXPOSE 8080 9090 7007 7007/udp 7009
# (No --start-period: dockerfilelint rejects it; 6 retries give startup a minute.)
# The liveness group over bash's /dev/tcp, on the management port the configuration uses (MANAGEMENT_PORT), with
# no HTTP client in the image: healthy only on a "200" status line.
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${MANAGEMENT_PORT:-9090} && printf 'GET /actuator/health/liveness HTTP/1.0\\r\\n\\r\\n' >&3 && read -r -t 2 _ code _ <&3 && [ \"$code\" = 200 ]"]
ENTRYPOINT ["java", "-XX:SharedArchiveFile=app.jsa", "-jar", "app.jar"]
