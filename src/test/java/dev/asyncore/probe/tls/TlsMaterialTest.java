package dev.asyncore.probe.tls;

import javax.net.ssl.SSLEngine;

import org.junit.jupiter.api.Test;

import dev.asyncore.probe.config.TlsConfig;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code min_version} and {@code max_version} become the engine's enabled protocols, through the engine setup. */
class TlsMaterialTest {

	private static TlsConfig versions(String min, String max) {
		return new TlsConfig(null, null, null, null, false, min, max);
	}

	private static String[] enabled(TlsMaterial material) throws Exception {
		SSLEngine engine = material.newContext(new TlsCapture()).createSSLEngine("localhost", 443);
		engine.setUseClientMode(true);
		material.engineSetup().accept(engine);
		return engine.getEnabledProtocols();
	}

	@Test
	void whenNoVersionIsSetThenTheEnginesAreLeftAlone() {
		assertThat(TlsMaterial.load(TlsConfig.DEFAULT, "tls_config").engineSetup()).isNull();
	}

	@Test
	void whenVersionsAreSetThenOnlyThoseFromMinToMaxAreEnabled() throws Exception {
		assertThat(enabled(TlsMaterial.load(versions("TLS13", null), "tls_config"))).containsExactly("TLSv1.3");
		assertThat(enabled(TlsMaterial.load(versions(null, "TLS12"), "tls_config"))).contains("TLSv1.2")
			.doesNotContain("TLSv1.3");
		assertThat(enabled(TlsMaterial.load(versions("TLS12", "TLS12"), "tls_config"))).containsExactly("TLSv1.2");
	}

}
