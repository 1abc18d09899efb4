# asyncore-service image: build with the Maven wrapper, run the extracted Spring Boot layers on a JRE.
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
    && java -Djarmode=tools -jar app.jar extract --layers --launcher --destination /layers

# ---- run: a JRE, the layers from the least to the most often changed, a non-root user ----
FROM eclipse-temurin:17-jre
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 asyncore \
    && useradd --system --uid 10001 --gid asyncore --no-create-home --shell /usr/sbin/nologin asyncore
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# Spring Boot reads ./config/application.yml from the work directory: listeners bind 0.0.0.0 here.
COPY config/application.yml config/application.yml
USER 10001:10001
# 8080 the HTTP API (/fetch); 9090 Actuator (Prometheus, health); 7007 echo (TCP and UDP); 7009 discard
EXPOSE 8080 9090 7007 7007/udp 7009
# Size the heap from the container's memory limit; die (and get restarted) rather than limp on OOM.
ENV JAVA_TOOL_OPTIONS="-XX:+UseContainerSupport -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# (No --start-period: dockerfilelint rejects it; 6 retries give startup a minute.)
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
    CMD curl -fsS "http://127.0.0.1:${MANAGEMENT_PORT:-9090}/actuator/health/liveness" || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
