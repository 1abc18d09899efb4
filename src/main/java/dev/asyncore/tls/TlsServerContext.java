package dev.asyncore.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The server side of TLS for listeners: an {@link SSLContext} built once from a PKCS12 key store,
 * and {@link #wrap(SocketChannel)} to put TLS under each accepted connection:
 *
 * <pre>{@code
 * TlsServerContext tls = TlsServerContext.fromKeyStore(Path.of("server.p12"), "secret".toCharArray());
 * // in a listener's handleAccepted(channel, remote):
 * EchoHandler handler = new EchoHandler(reactor, channel);
 * handler.setTransport(tls.wrap(channel));
 * }</pre>
 *
 * Building reads the key store file: do it at start-up, not on the loop thread. {@link #wrap} is
 * cheap and runs on the loop thread. Immutable once built; no client-certificate authentication.
 */
public final class TlsServerContext {

	private final SSLContext context;

	private TlsServerContext(SSLContext context) {
		this.context = context;
	}

	/** Wraps an existing context (for key material from elsewhere). */
	public static TlsServerContext of(SSLContext context) {
		return new TlsServerContext(context);
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
		return new TlsServerContext(context);
	}

	/** Server-side TLS over an accepted socket; pass it to {@code dispatcher.setTransport}. */
	public TlsTransport wrap(SocketChannel accepted) {
		return TlsTransport.server(accepted, this.context);
	}

	public SSLContext sslContext() {
		return this.context;
	}

}
