package dev.asyncore.probe.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import dev.asyncore.http.BodySink;
import dev.asyncore.http.FetchException;
import dev.asyncore.probe.ProbeMemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The streaming decoder without sockets: the loop's later passes are a queue the test runs, the
 * fetch's flow control a recorder. Go's readers are the reference for what decodes and what fails.
 */
class BodyDecoderTest {

	private static final byte[] TEXT = "hello world, hello decoder\n".repeat(2000).getBytes(StandardCharsets.UTF_8);

	private final ArrayDeque<Runnable> passes = new ArrayDeque<>();

	private final ByteArrayOutputStream decoded = new ByteArrayOutputStream();

	private final Flow flow = new Flow();

	private final ProbeMemory memory = new ProbeMemory(64L << 20);

	private final ProbeMemory.Lease lease = this.memory.lease();

	/** The most bytes decoded between two yields to the loop. */
	private int largestPass;

	private int thisPass;

	/** Later passes run. */
	private int passesRun;

	private BodyDecoder decoder(BodyDecoder.Coding coding) throws FetchException {
		BodyDecoder decoder = new BodyDecoder(coding, (data) -> {
			this.thisPass += data.remaining();
			this.largestPass = Math.max(this.largestPass, this.thisPass);
			byte[] bytes = new byte[data.remaining()];
			data.get(bytes);
			this.decoded.writeBytes(bytes);
		}, this.passes::add, this.lease);
		decoder.open(this.flow);
		return decoder;
	}

	/**
	 * Feeds {@code body} in pieces of {@code piece} bytes, running queued passes as the loop would,
	 * then ends it; a failure of a later pass is thrown as the fetch would report it.
	 */
	private void feed(BodyDecoder decoder, byte[] body, int piece) throws IOException {
		for (int at = 0; at < body.length; at += piece) {
			this.thisPass = 0;
			decoder.write(ByteBuffer.wrap(body, at, Math.min(piece, body.length - at)));
			drain();
			if (this.flow.failure != null) {
				throw this.flow.failure;
			}
		}
		decoder.finish();
	}

	/** Runs the decoder's later passes until it resumed the fetch (or failed it). */
	private void drain() {
		while (this.flow.paused && this.flow.failure == null) {
			assertThat(this.passes).as("a paused decoder has its next pass queued").hasSize(1);
			this.thisPass = 0;
			this.passesRun++;
			this.passes.poll().run();
		}
	}

	@Test
	void gzipDecodesInAnyWriteSplits() throws Exception {
		byte[] gzip = gzip(TEXT);
		for (int piece : new int[] { 1, 2, 7, 10, 11, 512, gzip.length }) {
			this.decoded.reset();
			feed(decoder(BodyDecoder.Coding.GZIP), gzip, piece);
			assertThat(this.decoded.toByteArray()).as("pieces of " + piece).isEqualTo(TEXT);
		}
	}

	@Test
	void gzipMembersOneAfterAnotherAreOneBodyAsGoReadsThem() throws Exception {
		feed(decoder(BodyDecoder.Coding.GZIP), concat(gzip("first ".getBytes()), gzip("second".getBytes())), 5);
		assertThat(this.decoded.toString(StandardCharsets.UTF_8)).isEqualTo("first second");
	}

	@Test
	void gzipHeaderFieldsAreSkippedAndItsCrcChecked() throws Exception {
		byte[] member = gzip("body".getBytes());
		byte[] name = "name.txt\0".getBytes(StandardCharsets.ISO_8859_1);
		byte[] extra = { 4, 0, 'a', 'b', 'c', 'd' };
		byte[] header = concat(new byte[] { 0x1f, (byte) 0x8b, 8, 4 | 8 | 2, 0, 0, 0, 0, 0, 3 }, extra, name);
		CRC32 crc = new CRC32();
		crc.update(header);
		byte[] crc16 = { (byte) crc.getValue(), (byte) (crc.getValue() >> 8) };
		byte[] rest = Arrays.copyOfRange(member, 10, member.length);
		feed(decoder(BodyDecoder.Coding.GZIP), concat(header, crc16, rest), 3);
		assertThat(this.decoded.toString(StandardCharsets.UTF_8)).isEqualTo("body");

		crc16[0] ^= 1;
		assertThatThrownBy(() -> feed(decoder(BodyDecoder.Coding.GZIP), concat(header, crc16, rest), 3))
			.isInstanceOf(FetchException.Protocol.class).hasMessageContaining("gzip: invalid header");
		byte[] longName = new byte[600];
		Arrays.fill(longName, (byte) 'n');
		byte[] named = concat(new byte[] { 0x1f, (byte) 0x8b, 8, 8, 0, 0, 0, 0, 0, 3 }, longName, new byte[1], rest);
		assertThatThrownBy(() -> feed(decoder(BodyDecoder.Coding.GZIP), named, 64))
			.isInstanceOf(FetchException.Protocol.class).hasMessageContaining("gzip: invalid header");
	}

	@Test
	void deflateIsRawDeflateAndIgnoresWhatFollowsTheFinalBlock() throws Exception {
		feed(decoder(BodyDecoder.Coding.DEFLATE), concat(deflate(TEXT, true), "trailing".getBytes()), 100);
		assertThat(this.decoded.toByteArray()).isEqualTo(TEXT);
	}

	@Test
	void aBodyInAnotherFormatFailsWithGosReason() {
		assertFails(BodyDecoder.Coding.DEFLATE, deflate(TEXT, false), "flate: corrupt input"); // zlib
		assertFails(BodyDecoder.Coding.DEFLATE, gzip(TEXT), "flate: corrupt input");
		assertFails(BodyDecoder.Coding.GZIP, TEXT, "gzip: invalid header");
		assertFails(BodyDecoder.Coding.GZIP, deflate(TEXT, true), "gzip: invalid header");
	}

	@Test
	void aCorruptOrCutBodyFails() {
		byte[] gzip = gzip(TEXT);
		byte[] badCrc = gzip.clone();
		badCrc[gzip.length - 8] ^= 1;
		assertFails(BodyDecoder.Coding.GZIP, badCrc, "gzip: invalid checksum");
		byte[] badSize = gzip.clone();
		badSize[gzip.length - 1] ^= 1;
		assertFails(BodyDecoder.Coding.GZIP, badSize, "gzip: invalid checksum");
		assertFails(BodyDecoder.Coding.GZIP, Arrays.copyOf(gzip, gzip.length - 4), "unexpected EOF");
		assertFails(BodyDecoder.Coding.GZIP, Arrays.copyOf(gzip, gzip.length / 2), "unexpected EOF");
		assertFails(BodyDecoder.Coding.GZIP, Arrays.copyOf(gzip, 5), "unexpected EOF");
		assertFails(BodyDecoder.Coding.GZIP, concat(gzip, "garbage".getBytes()), "unexpected EOF"); // as Go: 7 < 10 bytes
		assertFails(BodyDecoder.Coding.GZIP, concat(gzip, "more garbage".getBytes()), "gzip: invalid header");
		assertFails(BodyDecoder.Coding.GZIP, new byte[0], "EOF");
		byte[] deflate = deflate(TEXT, true);
		assertFails(BodyDecoder.Coding.DEFLATE, Arrays.copyOf(deflate, deflate.length / 2), "unexpected EOF");
		assertFails(BodyDecoder.Coding.DEFLATE, new byte[0], "unexpected EOF");
		byte[] flipped = deflate.clone();
		flipped[0] = (byte) 0xff; // BTYPE 11: reserved
		assertFails(BodyDecoder.Coding.DEFLATE, flipped, "flate: corrupt input");
	}

	@Test
	void aBombIsDecodedASliceAPassAndTheFetchPausedMeanwhile() throws Exception {
		byte[] bomb = gzip(new byte[64 << 20]); // 64 MiB of zeros in about 64 KiB
		feed(decoder(BodyDecoder.Coding.GZIP), bomb, 16 * 1024);
		assertThat(this.decoded.size()).isEqualTo(64 << 20);
		assertThat(this.largestPass).isLessThanOrEqualTo(BodyDecoder.SLICE);
		assertThat(this.passesRun).as("a pass per slice").isGreaterThanOrEqualTo((64 << 20) / BodyDecoder.SLICE - 8);
		assertThat(this.flow.pauses).isPositive();
		assertThat(this.flow.resumes).isEqualTo(this.flow.pauses);
	}

	@Test
	void theOutputsFailureStopsTheDecodingAtOnce() throws Exception {
		byte[] bomb = gzip(new byte[64 << 20]);
		BodyDecoder decoder = new BodyDecoder(BodyDecoder.Coding.GZIP, (data) -> {
			this.thisPass += data.remaining();
			if (this.decoded.size() + data.remaining() > 1 << 20) {
				throw new FetchException.TooLarge("over 1 MiB");
			}
			this.decoded.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
			data.position(data.limit());
		}, this.passes::add, this.lease);
		decoder.open(this.flow);
		decoder.write(ByteBuffer.wrap(bomb));
		drain();
		assertThat(this.flow.failure).isInstanceOf(FetchException.TooLarge.class).hasMessage("over 1 MiB");
		assertThat(this.decoded.size()).isLessThanOrEqualTo(1 << 20);
		decoder.end();
		this.passes.forEach(Runnable::run); // a pass queued before the failure does nothing once ended
		assertThat(this.decoded.size()).isLessThanOrEqualTo(1 << 20);
	}

	@Test
	void whatTheDecoderHoldsIsReservedAndARefusalFailsIt() throws Exception {
		BodyDecoder decoder = decoder(BodyDecoder.Coding.GZIP);
		assertThat(this.lease.held()).isEqualTo(BodyDecoder.INFLATER_BYTES + 8 * 1024);
		decoder.write(ByteBuffer.wrap(Arrays.copyOf(gzip(TEXT), 9))); // a header not yet whole is kept
		assertThat(this.lease.held()).isGreaterThan(BodyDecoder.INFLATER_BYTES + 8 * 1024);
		decoder.end();

		ProbeMemory small = new ProbeMemory(1 << 20);
		ProbeMemory.Lease[] others = { small.lease(), small.lease(), small.lease(), small.lease() };
		for (ProbeMemory.Lease other : others) {
			other.reserve(small.share() - 1024, "the test's hog");
		}
		BodyDecoder starved = new BodyDecoder(BodyDecoder.Coding.GZIP, (data) -> { }, this.passes::add, small.lease());
		assertThatThrownBy(() -> starved.open(this.flow)).isInstanceOf(FetchException.TooLarge.class)
			.hasMessageContaining("probe memory: the decoder needs").hasMessageContaining("probe memory budget");
	}

	private void assertFails(BodyDecoder.Coding coding, byte[] body, String reason) {
		for (int piece : new int[] { 3, Math.max(1, body.length) }) {
			this.decoded.reset();
			this.flow.failure = null;
			this.flow.paused = false;
			this.passes.clear();
			assertThatThrownBy(() -> feed(decoder(coding), body, piece)).as(coding + " in pieces of " + piece).isInstanceOf(FetchException.Protocol.class)
				.hasMessageContaining("cannot decode the body as " + coding.name().toLowerCase())
				.hasMessageEndingWith(reason.equals("EOF") ? ": EOF" : "")
				.hasMessageContaining(reason);
		}
	}

	static byte[] gzip(byte[] data) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
			gzip.write(data);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return out.toByteArray();
	}

	/** DEFLATE data, raw (RFC 1951, as Go's flate writes it) or in zlib's wrapper (RFC 1950). */
	static byte[] deflate(byte[] data, boolean raw) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
		try (DeflaterOutputStream stream = new DeflaterOutputStream(out, deflater)) {
			stream.write(data);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			deflater.end();
		}
		return out.toByteArray();
	}

	static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	/** The fetch's side, recorded. */
	private static final class Flow implements BodySink.Flow {

		boolean paused;

		int pauses;

		int resumes;

		FetchException failure;

		@Override
		public void pause() {
			this.paused = true;
			this.pauses++;
		}

		@Override
		public void resume() {
			this.paused = false;
			this.resumes++;
		}

		@Override
		public void fail(FetchException failure) {
			this.failure = failure;
		}

	}

	@Test
	void randomSplitsOfRandomDataDecodeTheSame() throws Exception {
		Random random = new Random(22);
		byte[] data = new byte[300_000];
		random.nextBytes(data);
		Arrays.fill(data, 100_000, 200_000, (byte) 'a');
		byte[] gzip = gzip(data);
		BodyDecoder decoder = decoder(BodyDecoder.Coding.GZIP);
		for (int at = 0; at < gzip.length;) {
			int n = Math.min(gzip.length - at, 1 + random.nextInt(70_000));
			this.thisPass = 0;
			decoder.write(ByteBuffer.wrap(gzip, at, n));
			at += n;
			drain();
		}
		decoder.finish();
		assertThat(this.decoded.toByteArray()).isEqualTo(data);
	}

}
