package dev.asyncore.probe.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The window a brotli stream's first byte declares (RFC 7932 §9.1): what the probe is charged for it. */
class BrotliFeedTest {

	@Test
	void theFirstByteDeclaresTheWindow() {
		assertThat(BrotliFeed.window(0x00)).as("WBITS 16").isEqualTo(1 << 16);
		assertThat(BrotliFeed.window(0xcb)).as("brotli -w 22").isEqualTo(1 << 22);
		assertThat(BrotliFeed.window(0x0f)).as("WBITS 24, the largest").isEqualTo(1 << 24);
		assertThat(BrotliFeed.window(0x01)).as("WBITS 17").isEqualTo(1 << 17);
		assertThat(BrotliFeed.window(0xb1)).as("WBITS 11, a small body's").isEqualTo(1 << 11);
		assertThat(BrotliFeed.window(0x11)).as("large-window brotli, not RFC 7932").isEqualTo(-1);
	}

}
