package dev.asyncore.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.chat.AsyncChat;
import dev.asyncore.core.BufferedDispatcher;
import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Reactor;
import dev.asyncore.support.ReactorThread;
import dev.asyncore.testsupport.TestCertificates;

/** TLS on both ends of AsyncChat line protocols, on one reactor, over loopback. */
@Timeout(30)
class TlsTransportIT {

	@TempDir
	static Path dir;

	static TlsServerContext serverContext;

	static SSLContext clientContext;

	private final ReactorThread loop = new ReactorThread("tls-it");

	@BeforeAll
	static void certificates() throws Exception {
		Path store = TestCertificates.generate(dir, "localhost", "dns:localhost,ip:127.0.0.1");
		serverContext = TlsServerContext.fromKeyStore(store, TestCertificates.PASSWORD);
		clientContext = TestCertificates.trusting(store);
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.loop.close();
	}

	/** Line echo over TLS; greets first when asked to (the client then only reads at first). */
	static final class EchoLines extends AsyncChat {

		EchoLines(Reactor reactor, SocketChannel channel, boolean greet) {
			super(reactor, channel);
			setTransport(serverContext.wrap(channel));
			setTerminator("\n".getBytes(StandardCharsets.US_ASCII));
			setMaxIncoming(1 << 20);
			if (greet) {
				push("hello\n".getBytes(StandardCharsets.US_ASCII));
			}
		}

		@Override
		protected void foundTerminator() {
			byte[] line = incomingData();
			push(line);
			push(new byte[] { '\n' });
			if (new String(line, StandardCharsets.US_ASCII).equals("bye")) {
				closeWhenDone();
			}
		}

	}

	/** A byte echo on BufferedDispatcher (asyncore's dispatcher_with_send) over TLS. */
	static final class BufferedEcho extends BufferedDispatcher {

		BufferedEcho(Reactor reactor, SocketChannel channel) {
			super(reactor, channel);
			setTransport(serverContext.wrap(channel));
		}

		@Override
		protected void handleRead() {
			ByteBuffer buffer = this.reactor.readBuffer();
			if (recv(buffer) > 0) {
				send(buffer.flip());
			}
		}

	}

	static final class Listener extends Dispatcher {

		private final boolean greet;

		private final boolean buffered;

		Listener(Reactor reactor, boolean greet) throws IOException {
			this(reactor, greet, false);
		}

		Listener(Reactor reactor, boolean greet, boolean buffered) throws IOException {
			super(reactor);
			this.greet = greet;
			this.buffered = buffered;
			createServerSocket();
			bind(new InetSocketAddress("127.0.0.1", 0));
			listen(16);
		}

		@Override
		protected void handleAccepted(SocketChannel channel, SocketAddress remote) {
			if (this.buffered) {
				new BufferedEcho(this.reactor, channel);
			}
			else {
				new EchoLines(this.reactor, channel, this.greet);
			}
		}

	}

	/** Collects lines; sends its script only after the server's greeting when there is one. */
	static final class Client extends AsyncChat {

		final List<String> lines = new CopyOnWriteArrayList<>();

		final CountDownLatch closed = new CountDownLatch(1);

		volatile boolean closeNotify;

		private final List<String> script;

		private final boolean waitForGreeting;

		Client(Reactor reactor, InetSocketAddress server, List<String> script, boolean waitForGreeting)
				throws IOException {
			super(reactor);
			this.script = script;
			this.waitForGreeting = waitForGreeting;
			setTerminator("\n".getBytes(StandardCharsets.US_ASCII));
			setMaxIncoming(1 << 20);
			createSocket();
			connect(server);
		}

		@Override
		protected void handleConnect() {
			setTransport(TlsTransport.client((SocketChannel) channel(), clientContext, "localhost", 0));
			if (!this.waitForGreeting) {
				sendScript();
			}
		}

		private void sendScript() {
			for (String line : this.script) {
				push((line + "\n").getBytes(StandardCharsets.US_ASCII));
			}
		}

		@Override
		protected void foundTerminator() {
			String line = new String(incomingData(), StandardCharsets.US_ASCII);
			this.lines.add(line);
			if (line.equals("hello") && this.waitForGreeting) {
				sendScript();
			}
		}

		@Override
		protected void handleClose() {
			this.closeNotify = ((TlsTransport) transport()).closeNotifyReceived();
			close();
		}

		@Override
		public void close() {
			super.close();
			this.closed.countDown();
		}

	}

	private InetSocketAddress listen(boolean greet) throws Exception {
		return this.loop.call(() -> (InetSocketAddress) new Listener(this.loop.reactor(), greet).localAddress());
	}

	@Test
	void linesEchoOverTlsIncludingOneLargerThanSocketBuffers() throws Exception {
		InetSocketAddress server = listen(false);
		String big = "x".repeat(300_000);
		List<String> script = new java.util.ArrayList<>();
		for (int i = 0; i < 200; i++) {
			script.add("line " + i);
		}
		script.add(big);
		script.add("bye");

		Client client = this.loop.call(() -> new Client(this.loop.reactor(), server, script, false));

		assertThat(client.closed.await(20, TimeUnit.SECONDS)).as("closed after bye").isTrue();
		assertThat(client.lines).containsExactlyElementsOf(script);
		assertThat(client.closeNotify).as("the server's close() sent close_notify").isTrue();
	}

	@Test
	void bufferedDispatcherServesTlsToo() throws Exception {
		InetSocketAddress server = this.loop
			.call(() -> (InetSocketAddress) new Listener(this.loop.reactor(), false, true).localAddress());
		List<String> script = List.of("one", "two", "y".repeat(100_000));

		Client client = this.loop.call(() -> new Client(this.loop.reactor(), server, script, false));

		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> client.lines.size() == 3);
		assertThat(client.lines).containsExactlyElementsOf(script);
	}

	@Test
	void handshakeCompletesWhenTheClientOnlyWantsToRead() throws Exception {
		InetSocketAddress server = listen(true);

		Client client = this.loop.call(() -> new Client(this.loop.reactor(), server, List.of("ping", "bye"), true));

		assertThat(client.closed.await(20, TimeUnit.SECONDS)).isTrue();
		assertThat(client.lines).containsExactly("hello", "ping", "bye");
	}

	@Test
	void untrustedServerFailsTheHandshakeIntoHandleError() throws Exception {
		InetSocketAddress server = listen(false);
		CountDownLatch failed = new CountDownLatch(1);
		List<Throwable> errors = new CopyOnWriteArrayList<>();

		this.loop.run(() -> new AsyncChat(this.loop.reactor()) {

			{
				createSocket();
				connect(server);
			}

			@Override
			protected void handleConnect() {
				setTransport(TlsTransport.client((SocketChannel) channel(), defaultContext(), "localhost", 0));
				push("hi\n".getBytes(StandardCharsets.US_ASCII));
			}

			@Override
			protected void handleError(Throwable error) {
				errors.add(error);
				failed.countDown();
				close();
			}

		});

		assertThat(failed.await(20, TimeUnit.SECONDS)).isTrue();
		assertThat(errors.get(0)).hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
	}

	private static SSLContext defaultContext() {
		try {
			return SSLContext.getDefault();
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
