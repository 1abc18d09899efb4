package dev.asyncore.boot.listener;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

import dev.asyncore.boot.config.AsyncoreProperties.TlsProperties;
import dev.asyncore.tls.TlsServerContext;

/**
 * The built-in TLS layer of listeners: the Spring Boot SSL bundle named by {@code tls.bundle}
 * (spring.ssl.bundle.pem.* or .jks.*), served through {@link TlsServerContext} on tls-channel with
 * the bundle's {@code options} or else the safe defaults. When the bundle is reloaded
 * ({@code reload-on-update: true} and its files change), connections accepted from then on get the
 * new certificate; open ones keep the session they have. Used unless the application defines its
 * own {@link TlsTransportFactory} bean.
 */
public class SslBundleTlsTransportFactory implements TlsTransportFactory {

	private static final Logger logger = LoggerFactory.getLogger(SslBundleTlsTransportFactory.class);

	private final SslBundles bundles;

	public SslBundleTlsTransportFactory(SslBundles bundles) {
		this.bundles = bundles;
	}

	@Override
	public Wrapper forListener(String listener, TlsProperties tls) throws IOException {
		if (this.bundles == null) {
			throw new IOException("no SSL bundles are configured (spring.ssl.bundle.*)");
		}
		String name = tls.bundle();
		AtomicReference<TlsServerContext> current = new AtomicReference<>();
		try {
			current.set(context(this.bundles.getBundle(name)));
			// Runs on Spring Boot's file-watcher thread; the loop thread reads the reference in wrap.
			this.bundles.addBundleUpdateHandler(name, (updated) -> {
				try {
					current.set(context(updated));
					logger.info("Listener '{}': SSL bundle '{}' reloaded; new connections use it", listener, name);
				}
				catch (RuntimeException ex) {
					logger.warn("Listener '{}': SSL bundle '{}' changed but cannot be used, keeping the old one: {}",
							listener, name, ex.getMessage());
				}
			});
		}
		catch (NoSuchSslBundleException ex) {
			throw new IOException("no SSL bundle named '" + name + "'; configured bundles: "
					+ String.join(", ", this.bundles.getBundleNames()), ex);
		}
		catch (IllegalStateException | IllegalArgumentException ex) {
			throw new IOException(ex.getMessage(), ex);
		}
		return (channel) -> current.get().wrap(channel);
	}

	private static TlsServerContext context(SslBundle bundle) {
		return TlsServerContext.of(bundle.createSslContext(), list(bundle.getOptions().getEnabledProtocols()),
				list(bundle.getOptions().getCiphers()));
	}

	private static List<String> list(String[] values) {
		return (values != null) ? Arrays.asList(values) : null;
	}

}
