package dev.asyncore.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The server side of TLS for listeners: an {@link SSLContext} (built once from a PKCS12 key store,
 * or given), safe protocol and cipher-suite defaults, and {@link #wrap(SocketChannel)} to put TLS
 * under each accepted connection:
 *
 * <pre>{@code
 * TlsServerContext tls = TlsServerContext.fromKeyStore(Path.of("server.p12"), "secret".toCharArray());
 * // in a listener's handleAccepted(channel, remote):
 * EchoHandler handler = new EchoHandler(reactor, channel);
 * handler.setTransport(tls.wrap(channel));
 * }</pre>
 *
 * Defaults follow Mozilla's "intermediate" profile: TLS 1.3 and 1.2 only, AEAD cipher suites only
 * (AES-GCM and ChaCha20-Poly1305 with ECDHE; no CBC, so no LUCKY13), the server's suite order.
 * Client-initiated renegotiation is refused: loading this class sets the JDK's
 * {@code jdk.tls.rejectClientInitiatedRenegotiation} to {@code true} unless it is set already
 * (the JDK reads it once, at its first server handshake, so set it on the command line to be sure).
 *
 * <p>Building reads the key store file: do it at start-up, not on the loop thread. {@link #wrap} is
 * cheap and runs on the loop thread. Immutable once built; no client-certificate authentication.
 */
public final class TlsServerContext {

	/** The protocols enabled unless others are given. */
	public static final List<String> SAFE_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

	/** The cipher suites enabled unless others are given, in the server's order of preference. */
	public static final List<String> SAFE_CIPHER_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
			"TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
			"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
			"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
			"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

	static {
		if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
			System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
		}
	}

	private final SSLContext context;

	private final String[] protocols;

	private final String[] cipherSuites;

	private TlsServerContext(SSLContext context, List<String> protocols, List<String> cipherSuites) {
		this.context = context;
		SSLParameters supported = context.getSupportedSSLParameters();
		this.protocols = supportedOf(protocols, supported.getProtocols(), "protocols");
		this.cipherSuites = supportedOf(cipherSuites, supported.getCipherSuites(), "cipher suites");
	}

	/** Wraps an existing context (for key material from elsewhere), with the safe defaults. */
	public static TlsServerContext of(SSLContext context) {
		return new TlsServerContext(context, SAFE_PROTOCOLS, SAFE_CIPHER_SUITES);
	}

	/**
	 * Wraps an existing context with its own protocols and cipher suites; {@code null} for either
	 * keeps the safe default.
	 * @throws IllegalArgumentException if none of the given ones is supported by the JDK
	 */
	public static TlsServerContext of(SSLContext context, List<String> protocols, List<String> cipherSuites) {
		return new TlsServerContext(context, (protocols != null) ? protocols : SAFE_PROTOCOLS,
				(cipherSuites != null) ? cipherSuites : SAFE_CIPHER_SUITES);
	}

	private static String[] supportedOf(List<String> wanted, String[] supported, String what) {
		List<String> known = Arrays.asList(supported);
		String[] usable = wanted.stream().filter(known::contains).toArray(String[]::new);
		if (usable.length == 0) {
			throw new IllegalArgumentException("none of the " + what + " " + wanted + " is supported by this JDK");
		}
		return usable;
	}

	/**
	 * Loads a PKCS12 key store holding the server's key and certificate chain.
	 * @throws IOException naming the path if the file cannot be read or the password is wrong
	 * @throws GeneralSecurityException if the store holds no usable key
	 */
	public static TlsServerContext fromKeyStore(Path path, char[] password) throws IOException, GeneralSecurityException {
		return fromKeyStore(path, password, "PKCS12");
	}

	/**
	 * Loads a key store of {@code type} ({@code PKCS12}, {@code JKS}) holding the server's key and
	 * certificate chain.
	 * @throws IOException naming the path if the file cannot be read or the password is wrong
	 * @throws GeneralSecurityException if the type is unknown or the store holds no usable key
	 */
	public static TlsServerContext fromKeyStore(Path path, char[] password, String type)
			throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance(type);
		try (InputStream in = Files.newInputStream(path)) {
			store.load(in, password);
		}
		catch (IOException ex) {
			throw new IOException("Cannot load key store " + path + " (" + type + "): " + ex.getMessage(), ex);
		}
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(store, password);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keys.getKeyManagers(), null, null);
		return of(context);
	}

	/** Server-side TLS over an accepted socket; pass it to {@code dispatcher.setTransport}. */
	public TlsTransport wrap(SocketChannel accepted) {
		return TlsTransport.server(accepted, this.context, (ignored) -> newEngine());
	}

	/** A server engine with this context's protocols and cipher suites, the server's order first. */
	public SSLEngine newEngine() {
		SSLEngine engine = this.context.createSSLEngine();
		engine.setUseClientMode(false);
		SSLParameters parameters = engine.getSSLParameters();
		parameters.setProtocols(this.protocols);
		parameters.setCipherSuites(this.cipherSuites);
		parameters.setUseCipherSuitesOrder(true);
		engine.setSSLParameters(parameters);
		return engine;
	}

	public SSLContext sslContext() {
		return this.context;
	}

}
