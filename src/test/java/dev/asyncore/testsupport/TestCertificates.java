package dev.asyncore.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates made at test time with the JDK's {@code keytool} (nothing private is
 * committed): a PKCS12 key store for the server and an {@link SSLContext} that trusts it.
 */
public final class TestCertificates {

	public static final char[] PASSWORD = "changeit".toCharArray();

	private TestCertificates() {
	}

	/**
	 * Generates a key pair and a self-signed certificate for {@code subjectAltNames}, e.g.
	 * {@code dns:localhost,ip:127.0.0.1}.
	 * @return the PKCS12 key store path
	 */
	public static Path generate(Path dir, String name, String subjectAltNames) throws IOException, InterruptedException {
		Path store = dir.resolve(name + ".p12");
		String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
		Process process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", name, "-keyalg", "EC",
				"-groupname", "secp256r1", "-dname", "CN=" + name, "-ext", "SAN=" + subjectAltNames, "-validity", "2",
				"-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(PASSWORD), "-keypass",
				new String(PASSWORD)))
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IOException("keytool failed: " + output);
		}
		return store;
	}

	/** A server context presenting the key and certificate in {@code keyStore}. */
	public static SSLContext serving(Path keyStore) throws IOException, GeneralSecurityException {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keyManagers(keyStore).getKeyManagers(), null, null);
		return context;
	}

	/** Key managers presenting the key and certificate in {@code keyStore}. */
	public static KeyManagerFactory keyManagers(Path keyStore) throws IOException, GeneralSecurityException {
		KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		factory.init(load(keyStore), PASSWORD);
		return factory;
	}

	/** Writes the certificate in {@code keyStore} as PEM to {@code pem} (a {@code ca_file} that trusts it). */
	public static Path writePem(Path keyStore, Path pem) throws IOException, GeneralSecurityException {
		KeyStore source = load(keyStore);
		Certificate certificate = source.getCertificate(source.aliases().nextElement());
		Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
				+ "\n-----END CERTIFICATE-----\n");
		return pem;
	}

	/** Writes the private key in {@code keyStore} as PKCS#8 PEM to {@code pem} (for a gRPC server). */
	public static Path writeKeyPem(Path keyStore, Path pem) throws IOException, GeneralSecurityException {
		KeyStore source = load(keyStore);
		java.security.Key key = source.getKey(source.aliases().nextElement(), PASSWORD);
		Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
				+ "\n-----END PRIVATE KEY-----\n");
		return pem;
	}

	private static KeyStore load(Path keyStore) throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore)) {
			store.load(in, PASSWORD);
		}
		return store;
	}

	/** A client context that trusts exactly the certificate in {@code keyStore}. */
	public static SSLContext trusting(Path keyStore) throws IOException, GeneralSecurityException {
		KeyStore source = load(keyStore);
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		String alias = source.aliases().nextElement();
		Certificate certificate = source.getCertificate(alias);
		trust.setCertificateEntry(alias, certificate);
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, factory.getTrustManagers(), null);
		return context;
	}

}
