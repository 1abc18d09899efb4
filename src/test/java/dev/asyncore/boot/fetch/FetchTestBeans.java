package dev.asyncore.boot.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;

import javax.net.ssl.SSLContext;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import dev.asyncore.http.Resolver;

/**
 * The test-only beans of the fetch contexts: a {@link Resolver} that maps a few public-looking
 * test names to loopback, private and metadata addresses or to no address (everything else goes
 * to the JDK), and
 * an {@link SSLContext} trusting the HTTPS origin's certificate.
 */
@TestConfiguration(proxyBeanMethods = false)
class FetchTestBeans {

	@Bean
	Resolver testResolver() {
		return (host) -> switch (host) {
			case Origins.HOST, "internal.test" -> new InetAddress[] { address(host, 127, 0, 0, 1) };
			case "intranet.test" -> new InetAddress[] { address(host, 10, 1, 2, 3) };
			case "metadata.test" -> new InetAddress[] { address(host, 169, 254, 169, 254) };
			case "mapped.test" -> new InetAddress[] { InetAddress.getByAddress(host,
					new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1 }) };
			case "unknown.origin.test" -> throw new UnknownHostException(host + ": no such name (test resolver)");
			default -> InetAddress.getAllByName(host); // localhost: the JDK reads /etc/hosts
		};
	}

	@Bean
	SSLContext testTrust() {
		return Origins.get().trust;
	}

	private static InetAddress address(String host, int a, int b, int c, int d) throws UnknownHostException {
		return InetAddress.getByAddress(host, new byte[] { (byte) a, (byte) b, (byte) c, (byte) d });
	}

}
