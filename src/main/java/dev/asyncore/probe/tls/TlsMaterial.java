package dev.asyncore.probe.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.TlsConfig;

/**
 * The key and trust material of one module's {@code tls_config}, loaded once from PEM files; each
 * probe then gets its own {@link SSLContext} ({@link #newContext}) whose trust manager records
 * what the server sent ({@link TlsCapture}) before judging it, and its engine is narrowed to
 * {@code min_version}..{@code max_version} by {@link #engineSetup()}. Immutable; any thread.
 */
public final class TlsMaterial {

	private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

	private final TlsConfig config;

	private final X509ExtendedTrustManager trust;

	private final KeyManager[] keys;

	/** The client certificate (the first of {@code cert}), or {@code null}. */
	private final X509Certificate clientCertificate;

	/** Enables the protocols from {@code min_version} to {@code max_version}; {@code null} when neither is set. */
	private final Consumer<SSLEngine> engineSetup;

	private TlsMaterial(TlsConfig config, X509ExtendedTrustManager trust, KeyManager[] keys, X509Certificate clientCertificate,
			String[] protocols) {
		this.config = config;
		this.trust = trust;
		this.keys = keys;
		this.clientCertificate = clientCertificate;
		this.engineSetup = (protocols != null) ? (engine) -> engine.setEnabledProtocols(protocols) : null;
	}

	/**
	 * Loads {@code config}'s files. Blocking I/O.
	 * @param key the module's {@code tls_config} key, for messages
	 * @throws ModuleConfigException naming the file that cannot be used
	 */
	public static TlsMaterial load(TlsConfig config, String key) {
		try {
			KeyStore trustStore = null;
			if (config.caFile() != null || config.ca() != null) {
				trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
				trustStore.load(null, null);
				List<Certificate> cas = (config.ca() != null) ? certificates(Pem.inline(config.ca(), key + ".ca"))
						: certificates(Pem.file(config.caFile(), key + ".ca_file"));
				for (int i = 0; i < cas.size(); i++) {
					trustStore.setCertificateEntry("ca-" + i, cas.get(i));
				}
			}
			TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			tmf.init(trustStore);
			X509ExtendedTrustManager trust = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
			KeyManager[] keys = null;
			X509Certificate clientCertificate = null;
			if (config.clientCertificate()) {
				List<Certificate> chain = certificates((config.cert() != null) ? Pem.inline(config.cert(), key + ".cert")
						: Pem.file(config.certFile(), key + ".cert_file"));
				PrivateKey privateKey = privateKey((config.key() != null) ? Pem.inline(config.key().reveal(), key + ".key")
						: Pem.file(config.keyFile(), key + ".key_file"));
				KeyStore keyStore = KeyStore.getInstance("PKCS12");
				keyStore.load(null, null);
				keyStore.setKeyEntry("client", privateKey, new char[0], chain.toArray(new Certificate[0]));
				KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
				kmf.init(keyStore, new char[0]);
				keys = kmf.getKeyManagers();
				clientCertificate = (chain.get(0) instanceof X509Certificate x509) ? x509 : null;
			}
			return new TlsMaterial(config, trust, keys, clientCertificate, protocols(config, trust, keys));
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new ModuleConfigException(key, "cannot build TLS material: " + ex.getMessage());
		}
	}

	public TlsConfig config() {
		return this.config;
	}

	/** A context for one probe, recording into {@code capture}. */
	public SSLContext newContext(TlsCapture capture) throws GeneralSecurityException {
		capture.clientCertificate(this.clientCertificate);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(this.keys, new CapturingTrustManager[] {
				new CapturingTrustManager(this.trust, capture, this.config.insecureSkipVerify()) }, null);
		return context;
	}

	/**
	 * {@link #newContext} as a fetch asks for it ({@code RequestOptions.sslContext}): only when an https
	 * connection opens, on its loop thread.
	 * @return a supplier that throws an {@link IllegalStateException} when the context cannot be made
	 */
	public Supplier<SSLContext> contexts(TlsCapture capture) {
		return () -> {
			try {
				return newContext(capture);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("Cannot create the TLS context: " + ex.getMessage(), ex);
			}
		};
	}

	/**
	 * What {@code TlsTransport.client} applies to each engine made from {@link #newContext}: the
	 * protocols from {@code min_version} to {@code max_version}, or {@code null} when the module sets
	 * neither (the JDK's defaults).
	 */
	public Consumer<SSLEngine> engineSetup() {
		return this.engineSetup;
	}

	/**
	 * The JDK's {@code TLSv1.x} protocols from {@code min_version} to {@code max_version}, in the
	 * order the JDK lists them; {@code null} when neither is set.
	 */
	private static String[] protocols(TlsConfig config, X509ExtendedTrustManager trust, KeyManager[] keys)
			throws GeneralSecurityException {
		if (config.minVersion() == null && config.maxVersion() == null) {
			return null;
		}
		int low = (config.minVersion() != null) ? config.minVersion().charAt(4) - '0' : 0;
		int high = (config.maxVersion() != null) ? config.maxVersion().charAt(4) - '0' : 9;
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keys, new TrustManager[] { trust }, null); // the JDK lists protocols only once initialised
		return Arrays.stream(context.getSupportedSSLParameters().getProtocols())
			.filter(p -> p.startsWith("TLSv1."))
			.filter(p -> p.charAt(6) - '0' >= low && p.charAt(6) - '0' <= high)
			.toArray(String[]::new);
	}

	/** PEM text with where it came from: the option's key and, for a file, its path. */
	private record Pem(String text, String key, String where) {

		static Pem inline(String text, String key) {
			return new Pem(text, key, "the inline PEM");
		}

		static Pem file(Path file, String key) throws IOException {
			try {
				return new Pem(Files.readString(file, StandardCharsets.ISO_8859_1), key, "'" + file + "'");
			}
			catch (NoSuchFileException ex) {
				throw new ModuleConfigException(key, "file '" + file + "' does not exist");
			}
		}

	}

	private static List<Certificate> certificates(Pem pem) throws GeneralSecurityException {
		List<Certificate> certificates = new ArrayList<>();
		CertificateFactory factory = CertificateFactory.getInstance("X.509");
		Matcher m = PEM.matcher(pem.text());
		while (m.find()) {
			if (m.group(1).equals("CERTIFICATE")) {
				byte[] der = Base64.getMimeDecoder().decode(m.group(2));
				certificates.add(factory.generateCertificate(new ByteArrayInputStream(der)));
			}
		}
		if (certificates.isEmpty()) {
			try { // DER, or whatever else the JDK's factory reads, as a file could hold before inline PEM came
				certificates.addAll(factory.generateCertificates(
						new ByteArrayInputStream(pem.text().getBytes(StandardCharsets.ISO_8859_1))));
			}
			catch (CertificateException ex) {
				// none: said below
			}
		}
		if (certificates.isEmpty()) {
			throw new ModuleConfigException(pem.key(), pem.where() + " holds no PEM certificate");
		}
		return certificates;
	}

	private static PrivateKey privateKey(Pem pem) {
		Matcher m = PEM.matcher(pem.text());
		while (m.find()) {
			if (!m.group(1).equals("PRIVATE KEY")) {
				continue;
			}
			byte[] der = Base64.getMimeDecoder().decode(m.group(2));
			for (String algorithm : new String[] { "RSA", "EC", "Ed25519", "RSASSA-PSS" }) {
				try {
					return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
				}
				catch (GeneralSecurityException ex) {
					// not this algorithm: try the next
				}
			}
		}
		throw new ModuleConfigException(pem.key(), pem.where() + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); "
				+ "convert it with openssl pkcs8 -topk8 -nocrypt");
	}

}
