package dev.asyncore.probe.tls;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.asyncore.probe.ProbeReport;

/**
 * The certificate gauges every TLS-speaking prober reports, under blackbox_exporter's names:
 * {@code probe_ssl_earliest_cert_expiry}, {@code probe_ssl_last_chain_expiry_timestamp_seconds},
 * {@code probe_ssl_last_chain_info} (with the newest release's {@code serialnumber} label) and
 * {@code probe_tls_version_info}; and beyond it {@value #LATEST_NOT_BEFORE} and {@value #CLIENT_CERT_EXPIRY}.
 * Loop thread only.
 */
public final class TlsGauges {

	/** Beyond blackbox_exporter: the latest notBefore of the server's certificates, the start of the chain's validity. */
	public static final String LATEST_NOT_BEFORE = "probe_ssl_latest_cert_not_before";

	/** Beyond blackbox_exporter: the notAfter of the module's own client certificate. */
	public static final String CLIENT_CERT_EXPIRY = "probe_ssl_client_cert_expiry";

	private TlsGauges() {
	}

	/** @return whether a chain was seen (and so the gauges were set) */
	public static boolean report(ProbeReport report, TlsCapture capture) {
		X509Certificate client = capture.clientCertificate();
		if (client != null) { // beyond blackbox_exporter: whatever the server said of it
			report.gauge(CLIENT_CERT_EXPIRY, "Returns the expiry of the module's client certificate (tls_config cert) in unixtime",
					client.getNotAfter().getTime() / 1000.0);
		}
		List<X509Certificate> chain = capture.chain();
		if (chain.isEmpty()) {
			return false;
		}
		double earliest = Double.MAX_VALUE;
		double latestStart = -Double.MAX_VALUE;
		for (X509Certificate certificate : chain) {
			earliest = Math.min(earliest, certificate.getNotAfter().getTime() / 1000.0);
			latestStart = Math.max(latestStart, certificate.getNotBefore().getTime() / 1000.0);
		}
		report.gauge("probe_ssl_earliest_cert_expiry", "Returns last SSL chain expiry in unixtime", earliest);
		report.gauge(LATEST_NOT_BEFORE, "Returns the latest notBefore of the SSL chain in unixtime: the chain is valid "
				+ "from it to probe_ssl_earliest_cert_expiry", latestStart);
		report.gauge("probe_ssl_last_chain_expiry_timestamp_seconds", "Returns last SSL chain expiry in timestamp", earliest);
		X509Certificate leaf = chain.get(0);
		report.gauge("probe_ssl_last_chain_info", "Contains SSL leaf certificate information", 1,
				"fingerprint_sha256", fingerprint(leaf), "issuer", leaf.getIssuerX500Principal().getName(),
				"serialnumber", serialNumber(leaf.getSerialNumber()), // labels in name order, as Go's client writes them
				"subject", leaf.getSubjectX500Principal().getName(), "subjectalternative", alternativeNames(leaf));
		if (capture.protocol() != null) {
			report.gauge("probe_tls_version_info", "Returns the TLS version used or NaN when unknown", 1,
					"version", capture.protocol().replace("TLSv", "TLS "));
		}
		return true;
	}

	/**
	 * The serial number as blackbox_exporter's newest release renders it ({@code fmt.Sprintf("%x",
	 * serial.Bytes())}): its magnitude's big-endian bytes in lower-case hex, two digits each, so a
	 * leading zero digit stays ({@code 0a1b}); no sign byte; empty for 0.
	 */
	static String serialNumber(BigInteger serial) {
		byte[] bytes = serial.abs().toByteArray();
		int from = 0;
		while (from < bytes.length && bytes[from] == 0) {
			from++; // Java's sign byte (and a zero serial's only byte); Go's Bytes() has neither
		}
		return HexFormat.of().formatHex(bytes, from, bytes.length);
	}

	private static String fingerprint(X509Certificate certificate) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
		}
		catch (NoSuchAlgorithmException | CertificateEncodingException ex) {
			return "";
		}
	}

	/** The GeneralName tag of a dNSName (RFC 5280 4.2.1.6), as {@link X509Certificate#getSubjectAlternativeNames()} gives it. */
	private static final int DNS_NAME = 2;

	/** The leaf's DNS names, comma-separated, as blackbox_exporter's {@code subjectalternative} label. */
	private static String alternativeNames(X509Certificate certificate) {
		List<String> names = new ArrayList<>();
		try {
			if (certificate.getSubjectAlternativeNames() != null) {
				for (List<?> entry : certificate.getSubjectAlternativeNames()) {
					if (Integer.valueOf(DNS_NAME).equals(entry.get(0))) { // as Go's cert.DNSNames: no IP, URI or e-mail names
						names.add(String.valueOf(entry.get(1)));
					}
				}
			}
		}
		catch (CertificateParsingException ex) {
			return "";
		}
		return String.join(",", names);
	}

}
