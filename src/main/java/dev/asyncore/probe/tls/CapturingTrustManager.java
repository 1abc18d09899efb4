package dev.asyncore.probe.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Records the server's chain into a {@link TlsCapture}, then verifies it with the module's trust
 * (hostname included, as the engine asks for HTTPS identification) unless
 * {@code insecure_skip_verify}. Recording first is what lets an expired certificate still be
 * reported in {@code probe_ssl_earliest_cert_expiry}.
 */
final class CapturingTrustManager extends X509ExtendedTrustManager {

	private final X509ExtendedTrustManager delegate;

	private final TlsCapture capture;

	private final boolean insecure;

	CapturingTrustManager(X509ExtendedTrustManager delegate, TlsCapture capture, boolean insecure) {
		this.delegate = delegate;
		this.capture = capture;
		this.insecure = insecure;
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
			throws CertificateException {
		SSLSession session = (engine != null) ? engine.getHandshakeSession() : null;
		this.capture.record(chain, (session != null) ? session.getProtocol() : null,
				(session != null) ? session.getCipherSuite() : null);
		if (this.insecure) {
			return;
		}
		try {
			this.delegate.checkServerTrusted(chain, authType, engine);
		}
		catch (CertificateException ex) {
			this.capture.failed(ex.getMessage());
			throw ex;
		}
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
			throws CertificateException {
		throw new CertificateException("probes use SSLEngine, not sockets");
	}

	@Override
	public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
		throw new CertificateException("probes verify with the engine, for hostname identification");
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
			throws CertificateException {
		throw new CertificateException("probes are clients");
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
			throws CertificateException {
		throw new CertificateException("probes are clients");
	}

	@Override
	public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
		throw new CertificateException("probes are clients");
	}

	@Override
	public X509Certificate[] getAcceptedIssuers() {
		return this.delegate.getAcceptedIssuers();
	}

}
