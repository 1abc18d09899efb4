package dev.asyncore.boot;

/**
 * The container's configuration ({@code config/application.yml} over the jar's defaults) as a test
 * loads it: the location, and every port placeholder of that file set to 0, so that a test started
 * beside a real blackbox_exporter (9115), a Prometheus (9090) or another echo server still binds.
 * {@link ContainerConfigurationTest} fails when the file gains a port this does not cover.
 */
public final class ContainerConfiguration {

	/** Loads the container's file over the jar's defaults, as the image does. */
	public static final String LOCATION = "spring.config.location=classpath:/application.yml,file:config/application.yml";

	/**
	 * Every port placeholder of {@code config/application.yml} at 0. One text block, so that an
	 * annotation's {@code properties} can carry it whole (Spring reads one {@code key=value} a line).
	 */
	public static final String EPHEMERAL_PORTS = """
			HTTP_PORT=0
			MANAGEMENT_PORT=0
			ASYNCORE_BLACKBOX_PORT=0
			ASYNCORE_ECHO_PORT=0
			ASYNCORE_ECHO_UDP_PORT=0
			ASYNCORE_DISCARD_PORT=0
			""";

	private ContainerConfiguration() {
	}

}
