package dev.asyncore.tls;

import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TlsServerContextTest {

	@Test
	void byDefaultOnlyTls12And13AndAeadSuitesAreEnabledAndRenegotiationIsRefused() throws Exception {
		SSLEngine engine = TlsServerContext.of(SSLContext.getDefault()).newEngine();
		assertThat(engine.getUseClientMode()).isFalse();
		assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
		assertThat(engine.getEnabledCipherSuites()).isNotEmpty()
			.allMatch((suite) -> suite.contains("_GCM_") || suite.contains("CHACHA20_POLY1305"))
			.noneMatch((suite) -> suite.contains("CBC") || suite.contains("_SHA ") || suite.endsWith("_SHA"));
		assertThat(engine.getSSLParameters().getUseCipherSuitesOrder()).isTrue();
		assertThat(System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation")).isEqualTo("true");
	}

	@Test
	void givenProtocolsAndSuitesReplaceTheDefaultsAndUnsupportedOnesAreDropped() throws Exception {
		SSLEngine engine = TlsServerContext
			.of(SSLContext.getDefault(), List.of("TLSv1.3", "SSLv9"), List.of("TLS_AES_256_GCM_SHA384"))
			.newEngine();
		assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.3");
		assertThat(Arrays.asList(engine.getEnabledCipherSuites())).containsExactly("TLS_AES_256_GCM_SHA384");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TlsServerContext.of(SSLContext.getDefault(), List.of("SSLv9"), null))
			.withMessageContaining("none of the protocols [SSLv9]");
	}

}
