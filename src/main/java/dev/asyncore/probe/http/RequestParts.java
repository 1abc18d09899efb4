package dev.asyncore.probe.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.asyncore.probe.config.Secret;

/**
 * The headers and body of one probe's request, as a module's options make them: {@code Accept-Encoding}
 * for {@code compression}, {@code Authorization} from the credentials, the module's {@code headers},
 * its {@code http_headers}, and {@code body} or {@code body_file}. The files named are read here, for
 * each probe, as blackbox_exporter and Prometheus read them for each request. Immutable.
 *
 * @param headers in the order they are sent
 * @param body the request body, or {@code null}
 * @param oauth2Secret {@code oauth2}'s client secret as read for this probe while its token is still to be
 * added ({@link #withAuthorization}), else {@code null}
 */
record RequestParts(List<Map.Entry<String, String>> headers, byte[] body, Secret oauth2Secret) {

	/**
	 * The request {@code http} describes. Blocking I/O when {@link HttpOptions#readsFiles()}, so then
	 * never on a loop thread.
	 * @throws dev.asyncore.probe.config.ModuleConfigException naming the option and file that cannot be read
	 */
	static RequestParts of(HttpOptions http) {
		List<Map.Entry<String, String>> headers = new ArrayList<>();
		boolean acceptEncoding = http.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Accept-Encoding"));
		if (!http.compression().isEmpty() && !acceptEncoding) {
			headers.add(Map.entry("Accept-Encoding", http.compression()));
		}
		boolean authorization = http.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Authorization"));
		List<Map.Entry<String, String>> client = http.client().headers(authorization);
		client.stream().filter(h -> h.getKey().equals("Authorization")).forEach(headers::add);
		http.headers().forEach((name, value) -> headers.add(Map.entry(name, value)));
		client.stream().filter(h -> !h.getKey().equals("Authorization")).forEach(headers::add);
		byte[] body = (http.bodyFile() != null) ? http.bodyFile().read()
				: (http.body() != null) ? http.body().getBytes(StandardCharsets.UTF_8) : null;
		Secret oauth2 = (http.client().oauth2() != null && !authorization) ? http.client().oauth2().clientSecret().current()
				: null;
		return new RequestParts(List.copyOf(headers), body, oauth2);
	}

	/** These parts with {@code Authorization: value} first (the oauth2 token), nothing more to add. */
	RequestParts withAuthorization(String value) {
		List<Map.Entry<String, String>> all = new ArrayList<>();
		all.add(Map.entry("Authorization", value));
		all.addAll(this.headers);
		return new RequestParts(List.copyOf(all), this.body, null);
	}

}
