package dev.asyncore.boot.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every malformed request to the HTTP API gets an {@code application/problem+json} answer with a
 * {@code type}: sent over a raw socket, so that requests no well-behaved client would send (an
 * unescaped IPv6 literal in the query) reach the server as written.
 */
class ProblemFormatIT extends FetchServiceITBase {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void whenTheRequestIsMalformedThenEachErrorIsAProblemWithAType() throws IOException {
		assertProblem(send("GET /fetch HTTP/1.1", null, null), 400, "urn:asyncore:request:bad_request", "url");
		assertProblem(send("POST /fetch HTTP/1.1", "application/json", "{\"urls\": \"x\"}"), 400,
				"urn:asyncore:request:bad_request", null);
		assertProblem(send("POST /fetch HTTP/1.1", "application/json", "{\"urls\": "), 400,
				"urn:asyncore:request:bad_request", null);
		assertProblem(send("POST /fetch HTTP/1.1", "application/json", "{\"urls\": []}"), 400,
				"urn:asyncore:request:bad_request", "non-empty list");
		assertProblem(send("GET /fetch?url=http://example.org/&body=maybe HTTP/1.1", null, null), 400,
				"urn:asyncore:request:bad_request", null);
		assertProblem(send("POST /fetch HTTP/1.1", "application/x-www-form-urlencoded", "url=http://example.org/"),
				415, "urn:asyncore:request:unsupported_media_type", null);
		assertProblem(send("DELETE /fetch HTTP/1.1", null, null), 405, "urn:asyncore:request:method_not_allowed",
				null);
		assertProblem(send("GET /fetch/nothing-here HTTP/1.1", null, null), 404, "urn:asyncore:request:not_found",
				null);
	}

	@Test
	void whenTheUrlIsAnUnescapedIpv6LiteralThenTheFetchApiAnswersNotTomcat() throws IOException {
		// The policy refuses loopback by default: a 403 problem proves the request reached the API.
		Answer refused = send("GET /fetch?url=http://[::1]:1/ HTTP/1.1", null, null);
		assertProblem(refused, 403, "urn:asyncore:fetch:refused", "::1");
		Answer invalid = send("GET /fetch?url=http://[::1 HTTP/1.1", null, null);
		assertProblem(invalid, 400, "urn:asyncore:fetch:invalid_url", null);
	}

	private static void assertProblem(Answer answer, int status, String type, String detailContains) {
		assertThat(answer.status).as(answer.raw).isEqualTo(status);
		assertThat(answer.contentType).as(answer.raw).startsWith("application/problem+json");
		Map<String, Object> json = JSON.readValue(answer.body, JSON.getTypeFactory()
			.constructMapType(Map.class, String.class, Object.class));
		assertThat(json).as(answer.raw).containsEntry("type", type).containsEntry("status", status).containsKey("title");
		if (detailContains != null) {
			assertThat((String) json.get("detail")).contains(detailContains);
		}
	}

	private Answer send(String requestLine, String contentType, String body) throws IOException {
		byte[] content = (body != null) ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
		StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
		if (contentType != null) {
			head.append("Content-Type: ").append(contentType).append("\r\n");
		}
		if (body != null) {
			head.append("Content-Length: ").append(content.length).append("\r\n");
		}
		head.append("\r\n");
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.httpPort)) {
			socket.setSoTimeout(20_000);
			OutputStream out = socket.getOutputStream();
			out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
			out.write(content);
			out.flush();
			InputStream in = socket.getInputStream();
			return new Answer(new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
	}

	/** A raw HTTP/1.1 answer; the body is read whole, whether chunked or not. */
	private static final class Answer {

		final String raw;

		final int status;

		final String contentType;

		final String body;

		Answer(String raw) {
			this.raw = raw;
			int split = raw.indexOf("\r\n\r\n");
			String head = raw.substring(0, split);
			this.status = Integer.parseInt(head.substring(9, 12));
			this.contentType = head.lines()
				.filter((l) -> l.toLowerCase().startsWith("content-type:"))
				.map((l) -> l.substring(13).trim())
				.findFirst()
				.orElse("");
			String rest = raw.substring(split + 4);
			this.body = head.toLowerCase().contains("transfer-encoding: chunked") ? dechunk(rest) : rest;
		}

		private static String dechunk(String chunked) {
			StringBuilder out = new StringBuilder();
			int at = 0;
			while (true) {
				int eol = chunked.indexOf("\r\n", at);
				int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
				if (size == 0) {
					return out.toString();
				}
				out.append(chunked, eol + 2, eol + 2 + size);
				at = eol + 2 + size + 2;
			}
		}

	}

}
