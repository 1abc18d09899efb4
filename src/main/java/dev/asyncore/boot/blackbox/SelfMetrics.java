package dev.asyncore.boot.blackbox;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

import com.sun.management.UnixOperatingSystemMXBean;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import dev.asyncore.probe.exporter.BlackboxExporter;

/**
 * The text of {@code GET /metrics} on a blackbox listener, so that one scrape job finds everything:
 * blackbox_exporter's self metrics by its names ({@code blackbox_exporter_config_last_reload_successful},
 * {@code ..._success_timestamp_seconds}, {@code blackbox_module_unknown_total},
 * {@code blackbox_exporter_build_info}), the {@code process_*} metrics a Go exporter has that the
 * JVM can give cheaply, then the service's own Micrometer meters as {@code /actuator/prometheus}
 * renders them (the JVM's, the reactor's, the probes'). Any thread; each call reads the current values.
 */
final class SelfMetrics {

	private static final Path STATM = Path.of("/proc/self/statm");

	private final BlackboxModules modules;

	private final Supplier<BlackboxExporter> exporter;

	private final PrometheusMeterRegistry registry;

	/**
	 * @param exporter the exporter whose unknown-module count is shown (made after this, hence a supplier)
	 * @param registry the service's meters, or {@code null} when it has none
	 */
	SelfMetrics(BlackboxModules modules, Supplier<BlackboxExporter> exporter, PrometheusMeterRegistry registry) {
		this.modules = modules;
		this.exporter = exporter;
		this.registry = registry;
	}

	String text() {
		StringBuilder out = new StringBuilder(8192);
		gauge(out, "blackbox_exporter_config_last_reload_successful", "Blackbox exporter config loaded successfully.",
				this.modules.lastReloadSuccessful() ? 1 : 0);
		gauge(out, "blackbox_exporter_config_last_reload_success_timestamp_seconds",
				"Timestamp of the last successful configuration reload.", this.modules.lastSuccessMillis() / 1000.0);
		BlackboxExporter current = this.exporter.get();
		out.append("# HELP blackbox_module_unknown_total Count of unknown modules requested by probes\n")
			.append("# TYPE blackbox_module_unknown_total counter\n")
			.append("blackbox_module_unknown_total ").append((current != null) ? current.unknownModules() : 0).append('\n');
		String version = SelfMetrics.class.getPackage().getImplementationVersion();
		out.append("# HELP blackbox_exporter_build_info A metric with a constant '1' value labeled by version, revision, "
				+ "branch, goversion from which blackbox_exporter was built, and the goos and goarch for the build.\n")
			.append("# TYPE blackbox_exporter_build_info gauge\n")
			.append("blackbox_exporter_build_info{branch=\"\",goarch=\"").append(System.getProperty("os.arch"))
			.append("\",goos=\"").append(System.getProperty("os.name").toLowerCase(Locale.ROOT))
			.append("\",goversion=\"java").append(Runtime.version().feature()).append("\",revision=\"\",version=\"")
			.append((version != null) ? version : "unknown").append("\"} 1\n");
		process(out);
		if (this.registry != null) {
			out.append(this.registry.scrape());
		}
		return out.toString();
	}

	/** Go's process collector, where the JVM knows the value without cost. */
	private static void process(StringBuilder out) {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0) {
			out.append("# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n")
				.append("# TYPE process_cpu_seconds_total counter\n")
				.append("process_cpu_seconds_total ").append(sun.getProcessCpuTime() / 1e9).append('\n');
		}
		if (os instanceof UnixOperatingSystemMXBean unix) {
			gauge(out, "process_open_fds", "Number of open file descriptors.", unix.getOpenFileDescriptorCount());
			gauge(out, "process_max_fds", "Maximum number of open file descriptors.", unix.getMaxFileDescriptorCount());
		}
		try {
			String[] pages = Files.readString(STATM).strip().split(" ");
			long page = 4096; // the page size of every Linux the image runs on
			gauge(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", Long.parseLong(pages[0]) * page);
			gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.", Long.parseLong(pages[1]) * page);
		}
		catch (IOException | RuntimeException ex) {
			// not Linux: these two are left out, as Go's collector leaves them out elsewhere
		}
	}

	private static void gauge(StringBuilder out, String name, String help, double value) {
		out.append("# HELP ").append(name).append(' ').append(help).append('\n')
			.append("# TYPE ").append(name).append(" gauge\n")
			.append(name).append(' ');
		if (value == Math.rint(value) && Math.abs(value) < 1e15) {
			out.append((long) value);
		}
		else {
			out.append(value);
		}
		out.append('\n');
	}

}
