package dev.asyncore.probe.tls;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What one probe's TLS handshake showed: the server's chain, protocol and cipher, and why
 * verification failed if it did. Written by the handshake (on the loop thread), read by the probe
 * after the fetch ended (on the loop thread too).
 */
public final class TlsCapture {

	private List<X509Certificate> chain = List.of();

	private String protocol;

	private String cipher;

	private String verifyError;

	private X509Certificate clientCertificate;

	void record(X509Certificate[] certificates, String negotiatedProtocol, String cipherSuite) {
		this.chain = List.of(certificates);
		this.protocol = negotiatedProtocol;
		this.cipher = cipherSuite;
	}

	/** The module's own client certificate ({@code tls_config} {@code cert}/{@code cert_file}), set as the context is made. */
	void clientCertificate(X509Certificate certificate) {
		this.clientCertificate = certificate;
	}

	/** The client certificate the probe offers, or {@code null} without one. */
	public X509Certificate clientCertificate() {
		return this.clientCertificate;
	}

	void failed(String why) {
		this.verifyError = why;
	}

	/** The certificates the server sent, leaf first; empty if the handshake got no certificate. */
	public List<X509Certificate> chain() {
		return this.chain;
	}

	/** {@code TLSv1.3} and the like, or {@code null}. */
	public String protocol() {
		return this.protocol;
	}

	public String cipher() {
		return this.cipher;
	}

	/** Why the certificate was refused, or {@code null}. */
	public String verifyError() {
		return this.verifyError;
	}

}
