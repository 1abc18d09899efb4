package dev.asyncore.boot.probes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.asyncore.boot.fetch.FetchView;
import dev.asyncore.http.FetchResult;
import dev.asyncore.probe.config.Module;
import dev.asyncore.probe.config.ModuleFile;

/**
 * The {@code probes} Actuator endpoint: each configured probe with its last result, and the
 * blackbox modules as the module file wrote them, every secret shown as {@code <secret>}. Reads the
 * probes' volatile results and the current module file; any thread.
 */
@Endpoint(id = "probes")
public class ProbesEndpoint {

	private final List<Probe> probes;

	private final Supplier<ModuleFile> modules;

	/**
	 * @param modules the blackbox module file in use (replaced on reload), or {@code null} for none
	 */
	public ProbesEndpoint(List<Probe> probes, Supplier<ModuleFile> modules) {
		this.probes = List.copyOf(probes);
		this.modules = modules;
	}

	@ReadOperation
	public ProbesDescriptor probes() {
		Map<String, Map<String, Object>> modules = new LinkedHashMap<>();
		if (this.modules != null) {
			for (Module<?> module : this.modules.get().modules().values()) {
				modules.put(module.name(), module.config());
			}
		}
		return new ProbesDescriptor(this.probes.stream().map(ProbesEndpoint::describe).toList(), modules);
	}

	private static ProbeDescriptor describe(Probe probe) {
		ProbeResult last = probe.last();
		LastRun run = null;
		if (last != null) {
			FetchResult.Timings t = last.timings();
			run = new LastRun(last.at().toString(), last.success(), last.status(), last.elapsed().toMillis(),
					(t != null) ? FetchView.Timings.of(t) : null,
					(last.certificateNotAfter() != null) ? last.certificateNotAfter().toString() : null, last.error());
		}
		return new ProbeDescriptor(probe.name(), probe.uri().toString(), probe.properties().interval().toString(),
				probe.properties().timeout().toString(), probe.properties().expectedStatus(), run);
	}

	/**
	 * Every probe and blackbox module.
	 *
	 * @param probes the static probes ({@code asyncore.probes}), in configuration order
	 * @param modules the blackbox modules by name, in file order, each as its file wrote it with every
	 * password, token and credential header as {@code <secret>} (blackbox_exporter's {@code /config})
	 */
	public record ProbesDescriptor(List<ProbeDescriptor> probes, Map<String, Map<String, Object>> modules) {
	}

	/**
	 * One probe.
	 *
	 * @param name its name ({@code probe} tag)
	 * @param url what it fetches
	 * @param interval time between runs
	 * @param timeout time limit of a run
	 * @param expectedStatus status codes counted as success (empty: any 2xx)
	 * @param last its last run, {@code null} before the first
	 */
	public record ProbeDescriptor(String name, String url, String interval, String timeout,
			List<Integer> expectedStatus, LastRun last) {
	}

	/**
	 * The last run of a probe.
	 *
	 * @param at when it ended
	 * @param success whether the status was expected
	 * @param status the status code, 0 without a response
	 * @param elapsedMillis how long it took
	 * @param timings phase durations (ms), {@code null} if the fetch failed
	 * @param certificateNotAfter for https, when the certificate expires
	 * @param error why it failed, or {@code null}
	 */
	public record LastRun(String at, boolean success, int status, long elapsedMillis, FetchView.Timings timings,
			String certificateNotAfter, String error) {
	}

}
