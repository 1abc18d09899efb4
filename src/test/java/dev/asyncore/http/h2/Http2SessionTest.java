package dev.asyncore.http.h2;

import static dev.asyncore.http.h2.H2Frames.concat;
import static dev.asyncore.http.h2.H2Frames.data;
import static dev.asyncore.http.h2.H2Frames.frame;
import static dev.asyncore.http.h2.H2Frames.headers;
import static dev.asyncore.http.h2.H2Frames.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.asyncore.chat.Terminator;

/** The HTTP/2 client session fed through asynchat-style framing, no sockets; HPACK with RFC 7541's vectors. */
class Http2SessionTest {

	private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

	private final List<String> events = new ArrayList<>();

	private final Http2Session session = new Http2Session(b -> {
		byte[] copy = new byte[b.remaining()];
		b.get(copy);
		this.sent.writeBytes(copy);
	}, new Http2Session.Listener() {

		@Override
		public void onHead(int status, List<Map.Entry<String, String>> fields) {
			Http2SessionTest.this.events.add("head " + status + " " + fields);
		}

		@Override
		public void onData(ByteBuffer data) {
			Http2SessionTest.this.events.add("data " + StandardCharsets.UTF_8.decode(data));
		}

		@Override
		public void onTrailers(List<Map.Entry<String, String>> fields) {
			Http2SessionTest.this.events.add("trailers " + fields);
		}

		@Override
		public void onEnd() {
			Http2SessionTest.this.events.add("end");
		}

	}, 8192);

	private static final List<Map.Entry<String, String>> GET = List.of(Map.entry(":method", "GET"),
			Map.entry(":scheme", "https"), Map.entry(":authority", "example.org"), Map.entry(":path", "/"),
			Map.entry("user-agent", "test"));

	/** Feeds {@code input} in 7-byte pieces, as a socket might deliver it, following the terminators. */
	private void feed(byte[] input) throws IOException {
		int at = 0;
		while (at < input.length && !this.session.isClosed()) {
			long wanted = ((Terminator.Length) this.session.terminator()).count();
			long left = wanted;
			while (left > 0) {
				int n = (int) Math.min(Math.min(7, left), input.length - at);
				if (n == 0) {
					return;
				}
				this.session.collectIncomingData(ByteBuffer.wrap(input, at, n));
				at += n;
				left -= n;
			}
			this.session.foundTerminator();
		}
	}

	private List<H2Frames.Frame> sentFrames() {
		return H2Frames.parse(this.sent.toByteArray());
	}

	private H2Frames.Frame lastSent() {
		List<H2Frames.Frame> frames = sentFrames();
		return frames.get(frames.size() - 1);
	}

	@Test
	void startsWithThePrefaceSettingsAndTheRequestHeaders() throws IOException {
		this.session.start(GET, null);

		assertThat(this.sent.toByteArray()).startsWith(H2Frames.PREFACE);
		List<H2Frames.Frame> frames = sentFrames();
		assertThat(frames).extracting(H2Frames.Frame::type)
			.containsExactly(H2Frames.SETTINGS, H2Frames.WINDOW_UPDATE, H2Frames.HEADERS);
		ByteBuffer settings = ByteBuffer.wrap(frames.get(0).payload());
		assertThat(settings.getShort()).isEqualTo((short) 2); // ENABLE_PUSH
		assertThat(settings.getInt()).isZero();
		H2Frames.Frame request = frames.get(2);
		assertThat(request.stream()).isEqualTo(1);
		assertThat(request.flags()).isEqualTo(0x5); // END_STREAM | END_HEADERS
		assertThat(new ResponseFields(8192).decode(request.payload()).malformed()).startsWith("pseudo-header :method");
	}

	@Test
	void responseWithBodyAndTrailers() throws IOException {
		this.session.start(GET, null);

		feed(concat(settings(), headers(0, 1, ":status", "200", "content-type", "text/plain"), data(0, 1, "hel"),
				data(0, 1, "lo"), headers(0x1, 1, "grpc-status", "0")));

		assertThat(this.events).containsExactly("head 200 [content-type=text/plain]", "data hel", "data lo",
				"trailers [grpc-status=0]", "end");
		assertThat(this.session.isClosed()).isTrue();
		assertThat(sentFrames()).anyMatch(f -> f.type() == H2Frames.SETTINGS && f.flags() == 1);
	}

	@Test
	void interimHeadsAreSkippedAndPingsAnswered() throws IOException {
		this.session.start(GET, null);

		feed(concat(frame(H2Frames.PING, 0, 0, "12345678".getBytes(StandardCharsets.US_ASCII)),
				headers(0, 1, ":status", "103", "link", "</a>"), headers(0x1, 1, ":status", "204")));

		assertThat(this.events).containsExactly("head 204 []", "end");
		assertThat(sentFrames()).anyMatch(f -> f.type() == H2Frames.PING && f.flags() == 1
				&& new String(f.payload(), StandardCharsets.US_ASCII).equals("12345678"));
	}

	@Test
	void paddingAndContinuationAreUnderstood() throws IOException {
		this.session.start(GET, null);
		byte[] block = H2Frames.block(":status", "200", "x-long", "v".repeat(40));
		byte[] padded = concat(new byte[] { 3 }, "abc".getBytes(StandardCharsets.US_ASCII), new byte[3]);

		feed(concat(frame(H2Frames.HEADERS, 0, 1, java.util.Arrays.copyOf(block, 10)),
				frame(H2Frames.CONTINUATION, 0x4, 1, java.util.Arrays.copyOfRange(block, 10, block.length)),
				frame(H2Frames.DATA, 0x8 | 0x1, 1, padded)));

		assertThat(this.events).containsExactly("head 200 [x-long=" + "v".repeat(40) + "]", "data abc", "end");
	}

	@Test
	void anOversizedFrameIsAConnectionErrorAnsweredWithGoAway() throws IOException {
		this.session.start(GET, null);

		assertThatThrownBy(() -> feed(frame(H2Frames.DATA, 0, 1, new byte[16385])))
			.isInstanceOf(Http2Exception.class)
			.hasMessageContaining("FRAME_SIZE_ERROR")
			.hasMessageContaining("16385");
		assertThat(lastSent().type()).isEqualTo(H2Frames.GOAWAY);
		assertThat(lastSent().errorCode()).isEqualTo(0x6);
		assertThat(this.session.isClosed()).isTrue();
	}

	@Test
	void badHpackIsACompressionError() throws IOException {
		this.session.start(GET, null);

		// an indexed field with an index far beyond both tables
		assertThatThrownBy(() -> feed(frame(H2Frames.HEADERS, 0x4, 1, new byte[] { (byte) 0xff, (byte) 0xff, 0x7f })))
			.isInstanceOf(Http2Exception.class)
			.hasMessageContaining("COMPRESSION_ERROR");
		assertThat(lastSent().type()).isEqualTo(H2Frames.GOAWAY);
		assertThat(lastSent().errorCode()).isEqualTo(0x9);
	}

	@Test
	void streamsTheServerOpensArePushesAndProtocolErrors() throws IOException {
		this.session.start(GET, null);

		assertThatThrownBy(() -> feed(headers(0, 2, ":status", "200"))).isInstanceOf(Http2Exception.class)
			.hasMessageContaining("PROTOCOL_ERROR")
			.hasMessageContaining("stream 2");
		assertThat(lastSent().errorCode()).isEqualTo(0x1);
	}

	@Test
	void pushPromiseIsRefused() throws IOException {
		this.session.start(GET, null);

		assertThatThrownBy(() -> feed(frame(H2Frames.PUSH_PROMISE, 0x4, 1, new byte[] { 0, 0, 0, 2 })))
			.hasMessageContaining("PUSH_PROMISE");
		assertThat(lastSent().type()).isEqualTo(H2Frames.GOAWAY);
	}

	@Test
	void aFloodOfPingsIsCut() throws IOException {
		this.session.start(GET, null);
		ByteArrayOutputStream flood = new ByteArrayOutputStream();
		for (int i = 0; i <= Http2Session.MAX_IDLE_FRAMES; i++) {
			flood.writeBytes(frame(H2Frames.PING, 0, 0, new byte[8]));
		}

		assertThatThrownBy(() -> feed(flood.toByteArray())).hasMessageContaining("ENHANCE_YOUR_CALM")
			.hasMessageContaining("flood");
		assertThat(lastSent().errorCode()).isEqualTo(0xb);
	}

	@Test
	void aHeaderListBeyondTheLimitIsRefused() throws IOException {
		this.session.start(GET, null);

		assertThatThrownBy(() -> feed(headers(0, 1, ":status", "200", "x-big", "v".repeat(9000))))
			.hasMessageContaining("larger than 8192 bytes");
		assertThat(lastSent().type()).isEqualTo(H2Frames.GOAWAY);
	}

	@Test
	void malformedResponsesAreStreamErrors() throws IOException {
		this.session.start(GET, null);

		assertThatThrownBy(() -> feed(headers(0, 1, ":status", "200", "Upper", "x")))
			.hasMessageContaining("stream error PROTOCOL_ERROR")
			.hasMessageContaining("'Upper'");
		assertThat(lastSent().type()).isEqualTo(H2Frames.RST_STREAM);
	}

	@Test
	void dataBeforeHeadersAndAfterTheEndAreErrors() throws IOException {
		this.session.start(GET, null);
		assertThatThrownBy(() -> feed(data(0, 1, "x"))).hasMessageContaining("DATA before the response headers");
	}

	@Test
	void theServersResetAndGoAwayFailTheRequest() throws IOException {
		this.session.start(GET, null);
		assertThatThrownBy(() -> feed(frame(H2Frames.RST_STREAM, 0, 1, new byte[] { 0, 0, 0, 0x7 })))
			.isInstanceOfSatisfying(Http2Exception.class, ex -> assertThat(ex.sentByPeer()).isTrue())
			.hasMessageContaining("REFUSED_STREAM");

		Http2Session other = new Http2Session(b -> b.position(b.limit()), new Http2Session.Listener() {

			@Override
			public void onHead(int status, List<Map.Entry<String, String>> fields) {
			}

			@Override
			public void onData(ByteBuffer data) {
			}

			@Override
			public void onEnd() {
			}

		}, 8192);
		other.start(GET, null);
		byte[] goAway = frame(H2Frames.GOAWAY, 0, 0, concat(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0xb },
				"calm".getBytes(StandardCharsets.US_ASCII)));
		other.collectIncomingData(ByteBuffer.wrap(goAway, 0, 9));
		other.foundTerminator();
		other.collectIncomingData(ByteBuffer.wrap(goAway, 9, goAway.length - 9));
		assertThatThrownBy(other::foundTerminator).hasMessageContaining("GOAWAY ENHANCE_YOUR_CALM (calm)");
	}

	@Test
	void theRequestBodyWaitsForTheServersWindow() throws IOException {
		byte[] body = new byte[100_000];
		this.session.start(List.of(Map.entry(":method", "POST")), body);

		assertThat(sentFrames().stream().filter(f -> f.type() == H2Frames.DATA).mapToInt(f -> f.payload().length).sum())
			.isEqualTo(65535);
		feed(concat(frame(H2Frames.WINDOW_UPDATE, 0, 0, new byte[] { 0, 1, 0, 0 }),
				frame(H2Frames.WINDOW_UPDATE, 0, 1, new byte[] { 0, 1, 0, 0 })));

		List<H2Frames.Frame> data = sentFrames().stream().filter(f -> f.type() == H2Frames.DATA).toList();
		assertThat(data.stream().mapToInt(f -> f.payload().length).sum()).isEqualTo(100_000);
		assertThat(data).allMatch(f -> f.payload().length <= 16384);
		assertThat(data.get(data.size() - 1).flags()).isEqualTo(1);
	}

	@Test
	void consumedDataIsGivenBackToTheServer() throws IOException {
		this.session.start(GET, null);
		feed(headers(0, 1, ":status", "200"));
		byte[] chunk = frame(H2Frames.DATA, 0, 1, new byte[16384]);
		for (int i = 0; i < 2 * Http2Session.WINDOW / 16384; i++) {
			feed(chunk);
		}

		List<H2Frames.Frame> updates = sentFrames().stream()
			.filter(f -> f.type() == H2Frames.WINDOW_UPDATE && f.stream() == 1)
			.toList();
		assertThat(updates).hasSizeGreaterThanOrEqualTo(3);
		assertThat(this.events).hasSize(1 + 2 * Http2Session.WINDOW / 16384);
	}

	/** RFC 7541 Appendix C.6: responses with Huffman coding, a 256-byte table, evictions. */
	@Test
	void hpackDecodesTheRfc7541ResponseExamples() throws IOException {
		ResponseFields fields = new ResponseFields(8192, 256);
		HexFormat hex = HexFormat.of();

		ResponseFields.Block first = fields.decode(hex.parseHex("488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3"));
		assertThat(first.status()).isEqualTo(302);
		assertThat(first.fields()).containsExactly(Map.entry("cache-control", "private"),
				Map.entry("date", "Mon, 21 Oct 2013 20:13:21 GMT"), Map.entry("location", "https://www.example.com"));

		ResponseFields.Block second = fields.decode(hex.parseHex("4883640effc1c0bf"));
		assertThat(second.status()).isEqualTo(307);
		assertThat(second.fields()).containsExactly(Map.entry("cache-control", "private"),
				Map.entry("date", "Mon, 21 Oct 2013 20:13:21 GMT"), Map.entry("location", "https://www.example.com"));

		ResponseFields.Block third = fields.decode(hex.parseHex("88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007"));
		assertThat(third.status()).isEqualTo(200);
		assertThat(third.fields()).containsExactly(Map.entry("cache-control", "private"),
				Map.entry("date", "Mon, 21 Oct 2013 20:13:22 GMT"), Map.entry("location", "https://www.example.com"),
				Map.entry("content-encoding", "gzip"),
				Map.entry("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"));
	}

}
