package dev.asyncore.probe.http;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.Test;

import dev.asyncore.probe.ProbeMemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A kept body's chunks are charged as they are made; its text is what {@code new String(bytes, UTF_8)} gives. */
class KeptBodyTest {

	private final ProbeMemory memory = new ProbeMemory(16L << 20);

	private final ProbeMemory.Lease lease = this.memory.lease();

	private KeptBody keep(byte[] bytes, int piece) throws ProbeMemory.Refused {
		KeptBody body = new KeptBody(this.lease);
		for (int at = 0; at < bytes.length; at += piece) {
			body.append(ByteBuffer.wrap(bytes, at, Math.min(piece, bytes.length - at)));
		}
		return body;
	}

	@Test
	void asciiIsReadInPlaceAndChargedChunkByChunk() throws ProbeMemory.Refused {
		byte[] bytes = ("<html>" + "x".repeat(3 * KeptBody.CHUNK) + "<b>found it</b></html>").getBytes(StandardCharsets.US_ASCII);
		KeptBody body = keep(bytes, 1000);
		assertThat(this.lease.held()).isEqualTo(4L * KeptBody.CHUNK);
		CharSequence text = body.text();
		assertThat(this.lease.held()).as("no copy for ASCII").isEqualTo(4L * KeptBody.CHUNK);
		assertThat(text.toString()).isEqualTo(new String(bytes, StandardCharsets.US_ASCII));
		assertThat(Pattern.compile("<b>([a-z ]+)</b>").matcher(text).results().map(m -> m.group(1)))
			.containsExactly("found it");
		assertThat(text.subSequence(1, 5).toString()).isEqualTo("html");
	}

	@Test
	void otherTextIsDecodedAsUtf8WithItsCostReservedFirst() throws ProbeMemory.Refused {
		StringBuilder mixed = new StringBuilder();
		while (mixed.length() < 2 * KeptBody.CHUNK) {
			mixed.append("grüße ✓ 𝄞 ");
		}
		byte[] bytes = mixed.toString().getBytes(StandardCharsets.UTF_8);
		byte[] broken = bytes.clone();
		broken[KeptBody.CHUNK - 1] = (byte) 0xc3; // a sequence cut by a chunk's end, and an invalid byte
		broken[100] = (byte) 0xff;
		for (byte[] sample : new byte[][] { bytes, broken }) {
			KeptBody body = keep(sample, 777);
			long before = this.lease.held();
			assertThat(body.text().toString()).isEqualTo(new String(sample, StandardCharsets.UTF_8));
			assertThat(this.lease.held() - before).isEqualTo(2L * sample.length);
		}
	}

	@Test
	void aChunkOverTheShareIsRefusedBeforeItIsMade() throws ProbeMemory.Refused {
		ProbeMemory small = new ProbeMemory(1 << 20);
		KeptBody body = new KeptBody(small.lease());
		body.append(ByteBuffer.allocate((int) small.share()));
		assertThatThrownBy(() -> body.append(ByteBuffer.allocate(1))).isInstanceOf(ProbeMemory.Refused.class)
			.hasMessageContaining("the response body kept for fail_if_body_* needs 16384 more bytes");
		assertThat(small.used()).isEqualTo(small.share());
	}

	@Test
	void pastTheSmallTierChunksAreRegionSizedAndReadAcrossTheirEdges() throws Exception {
		ProbeMemory roomy = new ProbeMemory(16L * (KeptBody.SMALL_TIER + 2L * KeptBody.LARGE)); // a share for the bytes and their UTF-16 text
		ProbeMemory.Lease held = roomy.lease();
		int length = KeptBody.SMALL_TIER + KeptBody.LARGE + 5;
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) ('a' + i % 26);
		}
		byte[] marker = "<found>".getBytes(StandardCharsets.US_ASCII);
		int[] edges = { KeptBody.SMALL_TIER - 3, KeptBody.SMALL_TIER + KeptBody.LARGE - 3 };
		for (int edge : edges) {
			System.arraycopy(marker, 0, bytes, edge, marker.length);
		}
		KeptBody body = new KeptBody(held);
		for (int at = 0; at < length; at += 65536) {
			body.append(ByteBuffer.wrap(bytes, at, Math.min(65536, length - at)));
		}
		assertThat(held.held()).as("64 small chunks, then two large ones, the second holding 5 bytes")
			.isEqualTo(KeptBody.SMALL_TIER + 2L * KeptBody.LARGE);
		CharSequence text = body.text();
		assertThat(held.held()).as("ASCII: no copy").isEqualTo(KeptBody.SMALL_TIER + 2L * KeptBody.LARGE);
		assertThat(text.length()).isEqualTo(length);
		assertThat(Pattern.compile("<found>").matcher(text).results().map(m -> m.start())).containsExactly(edges[0], edges[1]);
		assertThat(text.charAt(length - 1)).isEqualTo((char) bytes[length - 1]);
		assertThat(text.charAt(0)).isEqualTo('a');
		assertThat(text.subSequence(edges[1], edges[1] + marker.length).toString()).isEqualTo("<found>");
		try (var in = body.stream()) {
			assertThat(in.readAllBytes()).isEqualTo(bytes);
		}
		bytes[length - 2] = (byte) 0xc3; // not ASCII: decoded, across the large chunks too
		KeptBody other = new KeptBody(roomy.lease());
		other.append(ByteBuffer.wrap(bytes));
		assertThat(other.text().toString()).isEqualTo(new String(bytes, StandardCharsets.UTF_8));
	}

	@Test
	void underFourLargeChunksToItsShareABodyStaysInSmallChunks() throws ProbeMemory.Refused {
		ProbeMemory tight = new ProbeMemory(16L * KeptBody.LARGE - 4); // a share a little under four large chunks
		ProbeMemory.Lease held = tight.lease();
		KeptBody body = new KeptBody(held);
		body.append(ByteBuffer.allocate(KeptBody.SMALL_TIER + 1));
		assertThat(held.held()).as("charged a small chunk past the small tier").isEqualTo(KeptBody.SMALL_TIER + KeptBody.CHUNK);
		assertThat(body.size(64)).isEqualTo(KeptBody.CHUNK);
		ProbeMemory.Lease roomy = new ProbeMemory(16L * KeptBody.LARGE).lease();
		KeptBody large = new KeptBody(roomy);
		large.append(ByteBuffer.allocate(KeptBody.SMALL_TIER + 1));
		assertThat(roomy.held()).as("charged a large chunk").isEqualTo(KeptBody.SMALL_TIER + KeptBody.LARGE);
	}

	@Test
	void aLargeChunkIsAHumongousObjectOfOneG1Region() {
		HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
		long region = Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue())
				? Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue()) : 1 << 20;
		assertThat((long) KeptBody.LARGE).as("half a region or more: humongous")
			.isGreaterThanOrEqualTo(region / 2)
			.as("with its header, within one region")
			.isLessThanOrEqualTo(region - 16);
		KeptBody body = new KeptBody(new ProbeMemory(16L * KeptBody.LARGE).lease());
		assertThat(body.index(KeptBody.SMALL_TIER - 1)).isEqualTo(63);
		assertThat(body.index(KeptBody.SMALL_TIER)).isEqualTo(64);
		assertThat(body.start(65)).isEqualTo(KeptBody.SMALL_TIER + KeptBody.LARGE);
		assertThat(body.index(KeptBody.SMALL_TIER + KeptBody.LARGE)).isEqualTo(65);
	}

}
