package dev.asyncore.boot.fetch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.json.JsonMapper;

/** A loopback client of the service's {@code /fetch} API. */
public final class Api {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final int port;

	Api(int port) {
		this.port = port;
	}

	Answer get(String url) {
		return send(getRequest("/fetch?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8)));
	}

	Answer get(String url, String extraQuery) {
		return send(getRequest("/fetch?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8) + "&" + extraQuery));
	}

	CompletableFuture<Answer> getAsync(String url) {
		return this.client
			.sendAsync(getRequest("/fetch?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8)),
					HttpResponse.BodyHandlers.ofString())
			.thenApply(Answer::new);
	}

	Answer post(List<String> urls) {
		return postJson(JSON.writeValueAsString(Map.of("urls", urls)));
	}

	Answer postJson(String json) {
		return send(HttpRequest.newBuilder(uri("/fetch"))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	public Answer path(String path) {
		return send(getRequest(path));
	}

	private HttpRequest getRequest(String path) {
		return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private Answer send(HttpRequest request) {
		try {
			return new Answer(this.client.send(request, HttpResponse.BodyHandlers.ofString()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A response: status, headers and the body as text and as JSON. */
	public static final class Answer {

		public final int status;

		public final String body;

		final HttpResponse<String> response;

		Answer(HttpResponse<String> response) {
			this.response = response;
			this.status = response.statusCode();
			this.body = response.body();
		}

		String contentType() {
			return this.response.headers().firstValue("Content-Type").orElse("");
		}

		@SuppressWarnings("unchecked")
		public Map<String, Object> json() {
			return JSON.readValue(this.body, Map.class);
		}

		@Override
		public String toString() {
			return this.status + " " + this.body;
		}

	}

}
