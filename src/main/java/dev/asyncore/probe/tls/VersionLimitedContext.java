package dev.asyncore.probe.tls;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} whose engines enable only the protocols from {@code min_version} to
 * {@code max_version}: the TLS layer creates engines from a context, so the limit lives here.
 */
final class VersionLimitedContext extends SSLContext {

	private VersionLimitedContext(SSLContextSpi spi, SSLContext delegate) {
		super(spi, delegate.getProvider(), delegate.getProtocol());
	}

	static SSLContext of(SSLContext delegate, String min, String max) {
		int low = (min != null) ? min.charAt(4) - '0' : 0;
		int high = (max != null) ? max.charAt(4) - '0' : 9;
		String[] protocols = Arrays.stream(delegate.getSupportedSSLParameters().getProtocols())
			.filter(p -> p.startsWith("TLSv1."))
			.filter(p -> p.charAt(6) - '0' >= low && p.charAt(6) - '0' <= high)
			.toArray(String[]::new);
		return new VersionLimitedContext(new Spi(delegate, protocols), delegate);
	}

	private static final class Spi extends SSLContextSpi {

		private final SSLContext delegate;

		private final String[] protocols;

		Spi(SSLContext delegate, String[] protocols) {
			this.delegate = delegate;
			this.protocols = protocols;
		}

		private SSLEngine limit(SSLEngine engine) {
			engine.setEnabledProtocols(this.protocols);
			return engine;
		}

		@Override
		protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
				throws KeyManagementException {
			throw new KeyManagementException("already initialised");
		}

		@Override
		protected SSLSocketFactory engineGetSocketFactory() {
			return this.delegate.getSocketFactory();
		}

		@Override
		protected SSLServerSocketFactory engineGetServerSocketFactory() {
			return this.delegate.getServerSocketFactory();
		}

		@Override
		protected SSLEngine engineCreateSSLEngine() {
			return limit(this.delegate.createSSLEngine());
		}

		@Override
		protected SSLEngine engineCreateSSLEngine(String host, int port) {
			return limit(this.delegate.createSSLEngine(host, port));
		}

		@Override
		protected SSLSessionContext engineGetServerSessionContext() {
			return this.delegate.getServerSessionContext();
		}

		@Override
		protected SSLSessionContext engineGetClientSessionContext() {
			return this.delegate.getClientSessionContext();
		}

	}

}
