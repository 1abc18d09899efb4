package dev.asyncore.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** asyncore's default hooks log "unhandled ... event" and do nothing else (handle_accepted closes). */
class DefaultHooksTest {

	private final Reactor reactor = new Reactor("default-hooks");

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	private final Logger logger = (Logger) LoggerFactory.getLogger(Dispatcher.class);

	@BeforeEach
	void captureLog() {
		this.log.start();
		this.logger.addAppender(this.log);
		this.logger.setLevel(Level.DEBUG);
	}

	@AfterEach
	void close() {
		this.logger.detachAppender(this.log);
		this.logger.setLevel(null);
		this.reactor.close();
	}

	private List<String> messages() {
		return this.log.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
	}

	@Test
	void whenReadWriteAndAcceptAreUnhandledThenEachLogsAWarningAndTheDispatcherStaysOpen() {
		Dispatcher d = new Dispatcher(this.reactor);
		EventDelivery.deliverReadiness(d, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
		assertThat(messages()).containsExactly("WARN " + d + ": unhandled read event",
				"WARN " + d + ": unhandled write event");
		assertThat(d.isClosed()).isFalse();
	}

	@Test
	void whenConnectIsUnhandledThenItIsLoggedAtInfo() throws Exception {
		Dispatcher d = new Dispatcher(this.reactor);
		d.handleConnect();
		assertThat(messages()).containsExactly("INFO " + d + ": unhandled connect event");
	}

	@Test
	void whenAnAcceptedConnectionIsUnhandledThenItIsLoggedAndClosed() throws IOException {
		try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
				SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
			SocketChannel accepted = server.accept();
			Dispatcher d = new Dispatcher(this.reactor);
			d.handleAccepted(accepted, accepted.getRemoteAddress());
			assertThat(messages()).singleElement().asString().startsWith("WARN " + d + ": unhandled accepted event from /127.0.0.1:");
			assertThat(accepted.isOpen()).isFalse();
		}
	}

	@Test
	void whenHandleErrorIsNotOverriddenThenItLogsAndCloses() {
		Dispatcher d = new Dispatcher(this.reactor);
		String before = d.toString();
		d.handleError(new IllegalStateException("boom"));
		assertThat(messages()).first().isEqualTo("WARN " + before + ": uncaptured error, closing");
		assertThat(d.isClosed()).isTrue();
	}

	@Test
	void whenTheIdleTimeoutIsNotOverriddenThenItCloses() throws IOException {
		Dispatcher d = new Dispatcher(this.reactor);
		d.handleTimeout();
		assertThat(d.isClosed()).isTrue();
	}

}
