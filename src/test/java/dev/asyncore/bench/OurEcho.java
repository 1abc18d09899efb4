package dev.asyncore.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.asyncore.core.Reactor;
import dev.asyncore.echo.EchoServer;

/** Our EchoServer on one reactor thread. */
final class OurEcho implements EchoPeer {

	private final Reactor reactor = new Reactor("bench");

	private final Thread thread;

	private final EchoServer server;

	private final InetSocketAddress address;

	OurEcho() throws Exception {
		this.server = new EchoServer(this.reactor, new InetSocketAddress("127.0.0.1", 0));
		this.address = (InetSocketAddress) this.server.localAddress();
		this.thread = new Thread(() -> this.reactor.runUntilStopped(Duration.ofSeconds(1)), "asyncore-bench");
		this.thread.setDaemon(true);
		this.thread.start();
		CompletableFuture<Void> started = this.reactor.submit(() -> null);
		started.get(10, TimeUnit.SECONDS);
	}

	@Override
	public String name() {
		return "asyncore";
	}

	@Override
	public InetSocketAddress address() {
		return this.address;
	}

	@Override
	public List<Thread> serverThreads() {
		return List.of(this.thread);
	}

	@Override
	public long activeConnections() {
		return this.server.stats().activeConnections();
	}

	@Override
	public void close() throws Exception {
		this.reactor.stop();
		this.thread.join(10_000);
		this.reactor.close();
	}

}
