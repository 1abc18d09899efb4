package dev.asyncore.http;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.asyncore.http.h2.Http2Session;

/**
 * An HTTP/2 response handed to a {@link FetchExchange} as {@link ResponseParser} hands an HTTP/1.1
 * one: the head (version {@code HTTP/2.0}, no reason phrase), then the body, bounded by the same
 * {@code maxBodySize}; {@code done} runs when the stream ends. Loop thread only.
 */
final class Http2Response implements Http2Session.Listener {

	static final String VERSION = "HTTP/2.0";

	private final FetchExchange exchange;

	private final long maxBodySize;

	private final boolean headRequest;

	private final Runnable done;

	private long bodyBytes;

	Http2Response(FetchExchange exchange, long maxBodySize, boolean headRequest, Runnable done) {
		this.exchange = exchange;
		this.maxBodySize = maxBodySize;
		this.headRequest = headRequest;
		this.done = done;
	}

	@Override
	public void onHead(int status, List<Map.Entry<String, String>> fields) throws IOException {
		this.exchange.firstByte();
		Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		for (Map.Entry<String, String> field : fields) {
			map.computeIfAbsent(field.getKey(), k -> new ArrayList<>(1)).add(field.getValue());
		}
		HttpHeaders headers = HttpHeaders.of(map, (name, value) -> true);
		List<String> lengths = headers.allValues("content-length");
		// a HEAD, 204 or 304 response has no body whatever its Content-Length says
		if (!lengths.isEmpty() && !this.headRequest && status != 204 && status != 304) {
			checkBodySize(HttpSyntax.contentLength(lengths));
		}
		this.exchange.onHead(new ResponseHead(VERSION, status, "", headers));
	}

	@Override
	public void onData(ByteBuffer data) throws IOException {
		this.bodyBytes += data.remaining();
		checkBodySize(this.bodyBytes);
		this.exchange.onBody(data);
	}

	@Override
	public void onEnd() {
		this.done.run();
	}

	private void checkBodySize(long size) throws FetchException.TooLarge {
		HttpSyntax.checkBodySize(size, this.maxBodySize);
	}

}
