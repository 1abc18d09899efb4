package dev.asyncore.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.ReactorGroup;
import dev.asyncore.core.ServerDispatcher;
import dev.asyncore.echo.EchoHandler;
import dev.asyncore.echo.EchoServer;

/** Our EchoServer on a reactor group (one thread unless asked for more). */
final class OurEcho implements EchoPeer {

	private final ReactorGroup group;

	private final EchoServer server;

	private final InetSocketAddress address;

	OurEcho() throws Exception {
		this(1);
	}

	/** Our EchoServer on {@code threads} reactors (one acceptor handing connections round-robin). */
	OurEcho(int threads) throws Exception {
		this.group = new ReactorGroup("asyncore-bench", threads, Duration.ofSeconds(1));
		Reactor acceptor = this.group.acceptor();
		ListenerStats stats = new ListenerStats("echo");
		this.server = new EchoServer(acceptor, new InetSocketAddress("127.0.0.1", 0), ServerDispatcher.Options.DEFAULTS,
				EchoHandler.DEFAULT_HIGH_WATER_MARK, stats, this.group);
		this.address = (InetSocketAddress) this.server.localAddress();
		this.group.start();
		acceptor.submit(() -> null).get(10, TimeUnit.SECONDS);
	}

	@Override
	public String name() {
		return "asyncore x" + this.group.reactors().size();
	}

	@Override
	public InetSocketAddress address() {
		return this.address;
	}

	@Override
	public List<Thread> serverThreads() {
		return this.group.threads();
	}

	@Override
	public long activeConnections() {
		return this.server.stats().activeConnections();
	}

	@Override
	public void close() throws Exception {
		this.group.close();
	}

}
