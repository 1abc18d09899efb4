package dev.asyncore.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/** A loopback HTTP client for the service's Actuator endpoints. */
public final class Http {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final int port;

	private final String authorization;

	public Http(int port) {
		this(port, null);
	}

	/**
	 * @param authorization the {@code Authorization} header of every request, or {@code null}
	 */
	public Http(int port, String authorization) {
		this.port = port;
		this.authorization = authorization;
	}

	/** GETs {@code path} and returns the response, whatever its status. */
	public HttpResponse<String> get(String path) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10));
		if (this.authorization != null) {
			request.header("Authorization", this.authorization);
		}
		return send(this.client, request.build());
	}

	/** Sends {@code request} and returns the response as text, whatever its status. */
	public static HttpResponse<String> send(HttpClient client, HttpRequest request) {
		try {
			return client.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** GETs {@code path}, expecting 200, and returns the body. */
	public String body(String path) {
		HttpResponse<String> response = get(path);
		if (response.statusCode() != 200) {
			throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	/** GETs {@code path}, expecting 200 and a JSON object. */
	@SuppressWarnings("unchecked")
	public Map<String, Object> json(String path) {
		return JSON.readValue(body(path), Map.class);
	}

}
