package dev.asyncore.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Name resolution for {@link Fetcher}. Called on the fetcher's resolver executor, never on the
 * loop thread, so it may block. The default is the JDK's {@link InetAddress#getAllByName}.
 */
@FunctionalInterface
public interface Resolver {

	/**
	 * @return the host's addresses, in preference order
	 * @throws UnknownHostException if the name does not resolve
	 */
	InetAddress[] resolve(String host) throws UnknownHostException;

}
