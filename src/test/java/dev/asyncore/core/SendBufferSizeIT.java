package dev.asyncore.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.support.ReactorThread;

/**
 * {@code sendBufferSize} sets {@code SO_SNDBUF} on every accepted connection, inside the
 * per-connection guard (Linux doubles the value for its bookkeeping); 0 leaves the kernel's, which
 * on loopback starts near 2 MiB and is autotuned up to {@code tcp_wmem}'s 4 MiB.
 */
@Timeout(30)
class SendBufferSizeIT {

	private static final int REQUESTED = 32 * 1024;

	@Test
	void whenASendBufferSizeIsGivenThenEachAcceptedConnectionHasAtLeastThatBuffer() throws Exception {
		assertThat(acceptedSendBuffer(REQUESTED)).isBetween(REQUESTED, 4 * REQUESTED);
	}

	@Test
	void whenNoneIsGivenThenTheKernelsDefaultStays() throws Exception {
		assertThat(acceptedSendBuffer(0)).isGreaterThan(4 * REQUESTED);
	}

	private static int acceptedSendBuffer(int size) throws Exception {
		try (ReactorThread loop = new ReactorThread("sndbuf")) {
			CompletableFuture<Integer> seen = new CompletableFuture<>();
			ServerDispatcher.Options options = new ServerDispatcher.Options(16, 0, Duration.ZERO, size);
			ServerDispatcher server = loop.call(() -> new ServerDispatcher(loop.reactor(),
					new InetSocketAddress("127.0.0.1", 0), options, new ListenerStats("sndbuf"),
					(reactor, channel, stats) -> {
						seen.complete(channel.getOption(StandardSocketOptions.SO_SNDBUF));
						return new Dispatcher(reactor, channel);
					}));
			try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
				return seen.get(10, TimeUnit.SECONDS);
			}
		}
	}

}
