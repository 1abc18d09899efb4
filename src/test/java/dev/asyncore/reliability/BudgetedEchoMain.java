package dev.asyncore.reliability;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.MemoryBudget;
import dev.asyncore.core.Reactor;
import dev.asyncore.echo.EchoHandler;

/**
 * The server side of {@link MemoryBudgetIT}, run in its own JVM under a small direct-memory limit:
 * an echo listener ({@code EchoHandler}, 1 MiB high-water mark per connection) on loopback with the default budget (half of that limit) and the eviction
 * timeout given as {@code args[0]} in milliseconds. Prints {@code PORT n}, then a status line every
 * 100 ms; if the loop ever ends with an exception, prints {@code DIED} and exits with 3.
 */
public final class BudgetedEchoMain {

	private BudgetedEchoMain() {
	}

	public static void main(String[] args) throws IOException {
		PrintStream out = System.out;
		Reactor reactor = new Reactor("budgeted-echo");
		MemoryBudget budget = reactor.memoryBudget();
		budget.setEvictionTimeout(Duration.ofMillis(Long.parseLong(args[0])));
		Dispatcher server = new Dispatcher(reactor) {

			@Override
			protected void handleAccepted(SocketChannel channel, SocketAddress remote) throws IOException {
				// a small kernel send buffer: the echo backs up into the queue, not into the kernel
				channel.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
				new EchoHandler(this.reactor, channel);
			}

		};
		server.createServerSocket();
		server.bind(new InetSocketAddress("127.0.0.1", 0));
		server.listen(1024);
		out.println("PORT " + ((InetSocketAddress) server.localAddress()).getPort());
		out.flush();
		Runnable[] status = new Runnable[1];
		status[0] = () -> {
			out.println("STATUS used=" + budget.used() + " peak=" + budget.peak() + " max=" + budget.max() + " evictions="
					+ budget.evictions() + " size=" + reactor.size());
			out.flush();
			reactor.schedule(Duration.ofMillis(100), status[0]);
		};
		reactor.schedule(Duration.ofMillis(100), status[0]);
		try {
			reactor.runUntilStopped(Duration.ofSeconds(1));
		}
		catch (Throwable ex) {
			out.println("DIED " + ex);
			out.flush();
			System.exit(3);
		}
	}

}
