package dev.asyncore.boot.listener;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import dev.asyncore.boot.config.AsyncoreProperties.TlsProperties;
import dev.asyncore.tls.TlsServerContext;

/**
 * The built-in TLS layer of listeners: the key store named by {@code tls.key-store} (a file path,
 * optionally written {@code file:/...}) of type {@code tls.key-store-type}, served through
 * {@link TlsServerContext} on tls-channel. Used unless the application defines its own
 * {@link TlsTransportFactory} bean.
 */
public class KeyStoreTlsTransportFactory implements TlsTransportFactory {

	@Override
	public Wrapper forListener(String listener, TlsProperties tls) throws IOException {
		Path path = Path.of(tls.keyStore().startsWith("file:") ? tls.keyStore().substring(5) : tls.keyStore());
		char[] password = (tls.keyStorePassword() != null) ? tls.keyStorePassword().toCharArray() : new char[0];
		try {
			TlsServerContext context = TlsServerContext.fromKeyStore(path, password, tls.keyStoreType());
			return context::wrap;
		}
		catch (GeneralSecurityException ex) {
			throw new IOException("no usable key in " + path + ": " + ex.getMessage(), ex);
		}
	}

}
