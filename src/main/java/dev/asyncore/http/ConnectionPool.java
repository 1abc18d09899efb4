package dev.asyncore.http;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;

/**
 * Idle keep-alive connections per route (scheme, host, port), bounded per route and in total; an
 * idle connection closes after the keep-alive timeout, or when its peer closes it. The most
 * recently used connection is reused first. Loop thread only.
 */
final class ConnectionPool {

	private final Map<String, ArrayDeque<HttpConnection>> idle = new HashMap<>();

	private final int maxIdlePerRoute;

	private final int maxIdleTotal;

	private final Duration keepAlive;

	private final SSLContext sslContext;

	private int total;

	ConnectionPool(int maxIdlePerRoute, int maxIdleTotal, Duration keepAlive, SSLContext sslContext) {
		this.maxIdlePerRoute = maxIdlePerRoute;
		this.maxIdleTotal = maxIdleTotal;
		this.keepAlive = keepAlive;
		this.sslContext = sslContext;
	}

	SSLContext sslContext() {
		return this.sslContext;
	}

	/**
	 * An idle connection for {@code route} whose address {@code policy} still allows, or {@code null}.
	 */
	HttpConnection take(String route, FetchPolicy policy) {
		ArrayDeque<HttpConnection> connections = this.idle.get(route);
		while (connections != null && !connections.isEmpty()) {
			HttpConnection connection = connections.pollLast();
			this.total--;
			if (connections.isEmpty()) {
				this.idle.remove(route);
			}
			if (connection.isClosed()) {
				continue;
			}
			try {
				policy.checkAddress(route, connection.address().getAddress());
				return connection;
			}
			catch (FetchException.Refused ex) {
				connection.close();
			}
		}
		return null;
	}

	/** Keeps {@code connection} for reuse, or closes it when the pool is full. */
	void release(HttpConnection connection) {
		ArrayDeque<HttpConnection> connections = this.idle.computeIfAbsent(connection.route(), k -> new ArrayDeque<>());
		if (this.total >= this.maxIdleTotal || connections.size() >= this.maxIdlePerRoute) {
			if (connections.isEmpty()) {
				this.idle.remove(connection.route());
			}
			connection.close();
			return;
		}
		connections.addLast(connection);
		this.total++;
		connection.setIdleTimeout(this.keepAlive);
	}

	/** Forgets {@code connection} (it closed); no-op if it is not idle here. */
	void remove(HttpConnection connection) {
		ArrayDeque<HttpConnection> connections = this.idle.get(connection.route());
		if (connections != null && connections.remove(connection)) {
			this.total--;
			if (connections.isEmpty()) {
				this.idle.remove(connection.route());
			}
		}
	}

	int idleCount() {
		return this.total;
	}

	void closeAll() {
		for (ArrayDeque<HttpConnection> connections : this.idle.values().toArray(new ArrayDeque[0])) {
			for (HttpConnection connection : connections.toArray(new HttpConnection[0])) {
				connection.close();
			}
		}
		this.idle.clear();
		this.total = 0;
	}

}
