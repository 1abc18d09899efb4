package dev.asyncore.probe.exporter;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the exporter serves besides {@code /probe}, and where: blackbox_exporter's
 * {@code --web.route-prefix} (every path under it) and the text of {@code GET /metrics}, which the
 * service hands in (the exporter knows no metrics library). Immutable; any thread.
 *
 * @param routePrefix the prefix of every path, such as {@code /blackbox}, without a trailing slash;
 * empty for none
 * @param metrics the Prometheus text of {@code /metrics}: the exporter's self metrics and whatever
 * else the service exposes; called off the loop, may take some milliseconds
 */
public record ExporterPages(String routePrefix, Supplier<String> metrics) {

	/** No prefix, and {@code /metrics} answers only that the service serves no metrics there. */
	public static final ExporterPages NONE = new ExporterPages("", () -> "# no metrics are served here\n");

	public ExporterPages {
		Objects.requireNonNull(metrics);
		routePrefix = (routePrefix == null || routePrefix.equals("/")) ? "" : routePrefix;
		if (!routePrefix.isEmpty() && (!routePrefix.startsWith("/") || routePrefix.endsWith("/"))) {
			throw new IllegalArgumentException("a route prefix starts with / and does not end with it: " + routePrefix);
		}
	}

	/**
	 * Where a {@code GET} of {@code path} is sent instead, as blackbox_exporter's mux does under a
	 * prefix: the prefix without its slash and {@code /} go to the landing page at prefix and
	 * {@code /} (so that its relative links stay under the prefix); else {@code null}.
	 */
	String redirect(String path) {
		return (!this.routePrefix.isEmpty() && (path.equals(this.routePrefix) || path.equals("/"))) ? this.routePrefix + "/"
				: null;
	}

	/**
	 * {@code request} with the prefix taken off its path, or {@code null} when its path is outside
	 * the prefix (then the answer is 404).
	 */
	ExporterRequest route(ExporterRequest request) {
		if (this.routePrefix.isEmpty()) {
			return request;
		}
		String path = request.path();
		if (path.equals(this.routePrefix)) {
			path = "/";
		}
		else if (path.startsWith(this.routePrefix + "/")) {
			path = path.substring(this.routePrefix.length());
		}
		else {
			return null;
		}
		return new ExporterRequest(request.method(), path, request.query(), request.headers(), request.version());
	}

}
