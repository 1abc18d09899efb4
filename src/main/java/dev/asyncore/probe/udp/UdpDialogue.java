package dev.asyncore.probe.udp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.asyncore.core.DatagramDispatcher;
import dev.asyncore.core.Reactor;
import dev.asyncore.core.TimerHandle;
import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.ProbeReport;
import dev.asyncore.probe.dialogue.QueryScript;
import dev.asyncore.probe.target.IpText;

/**
 * One udp probe: a {@link DatagramDispatcher} connected to the target (so only the target's
 * datagrams arrive, and an ICMP port unreachable fails the probe at once) that walks the
 * module's {@code query_response}: each {@code send} is one datagram, each {@code expect} waits for
 * a datagram that matches (at most {@link #MAX_DATAGRAMS} that do not), each {@code expect_bytes}
 * for a datagram that starts with those bytes. One deadline covers the exchange. Loop thread only.
 */
final class UdpDialogue extends DatagramDispatcher {

	/** Datagrams one {@code expect} reads that do not match before it fails. */
	static final int MAX_DATAGRAMS = 1000;

	private enum Phase {
		WAITING, EXPECT, EXPECT_BYTES, ENDED
	}

	private final QueryScript script;

	private final InetSocketAddress target;

	private final ProbeLog log;

	private final CompletableFuture<Boolean> result = new CompletableFuture<>();

	private final long started = System.nanoTime();

	private Phase phase = Phase.WAITING;

	private TimerHandle deadline;

	private int unmatched;

	private String lastDatagram = "";

	private UdpDialogue(Reactor reactor, UdpOptions probe, InetSocketAddress target, ProbeReport report, ProbeLog log) {
		super(reactor, 16);
		this.target = target;
		this.log = log;
		this.script = new QueryScript(probe.queryResponse(), report, log);
	}

	/**
	 * Opens a socket connected to {@code target} and runs the exchange. Loop thread.
	 * @return whether every step passed; never completes exceptionally
	 */
	static CompletableFuture<Boolean> start(Reactor reactor, UdpOptions probe, InetSocketAddress target, Duration budget,
			ProbeReport report, ProbeLog log, CompletionStage<Void> cancel) {
		UdpDialogue dialogue;
		try {
			dialogue = new UdpDialogue(reactor, probe, target, report, log);
		}
		catch (UncheckedIOException ex) {
			log.error("Error opening a UDP socket", "err", ex.getCause().getMessage());
			return CompletableFuture.completedFuture(false);
		}
		dialogue.deadline = reactor.schedule(budget, dialogue::timedOut);
		try {
			InetAddress source = probe.sourceIpAddress();
			if (source != null) {
				log.info("Using local address", "srcIP", IpText.of(source));
				dialogue.bind(new InetSocketAddress(source, 0));
			}
			((DatagramChannel) dialogue.channel()).connect(target);
			dialogue.updateInterest();
			dialogue.drive();
		}
		catch (IOException | RuntimeException ex) {
			dialogue.fail("Error dialing UDP", ex);
		}
		cancel.thenRun(() -> dialogue.fail("Error reading from connection", new IOException("operation was canceled")));
		return dialogue.result;
	}

	private void drive() throws IOException {
		while (this.phase != Phase.ENDED) {
			QueryScript.Action action = this.script.next();
			if (action instanceof QueryScript.Expect) {
				this.phase = Phase.EXPECT;
				this.unmatched = 0;
				return;
			}
			if (action instanceof QueryScript.ExpectBytes) {
				this.phase = Phase.EXPECT_BYTES;
				return;
			}
			if (action instanceof QueryScript.Send send) {
				sendTo(ByteBuffer.wrap(send.bytes()), this.target);
				continue;
			}
			if (action instanceof QueryScript.Done) {
				end(true);
			}
			// StartTls cannot occur: the module file refuses starttls for udp
		}
	}

	@Override
	public boolean readable() {
		return this.phase == Phase.EXPECT || this.phase == Phase.EXPECT_BYTES;
	}

	@Override
	protected void handleRead() throws IOException {
		ByteBuffer buffer = this.reactor.readBuffer();
		if (recvFrom(buffer) == null) {
			return;
		}
		buffer.flip();
		byte[] datagram = new byte[buffer.remaining()];
		buffer.get(datagram);
		this.lastDatagram = new String(datagram, 0, Math.min(datagram.length, 256), StandardCharsets.UTF_8);
		if (this.phase == Phase.EXPECT) {
			if (this.script.line(datagram)) {
				drive();
			}
			else if (++this.unmatched >= MAX_DATAGRAMS) {
				this.script.noMatch(this.lastDatagram);
				fail("Error reading from connection", new IOException("no datagram matched in " + MAX_DATAGRAMS));
			}
		}
		else if (this.phase == Phase.EXPECT_BYTES) {
			int count = this.script.expectedBytes();
			if (this.script.bytes(Arrays.copyOf(datagram, Math.min(datagram.length, count)))) {
				drive();
			}
			else {
				end(false);
			}
		}
	}

	@Override
	protected void handleError(Throwable error) {
		Throwable cause = (error instanceof UncheckedIOException unchecked) ? unchecked.getCause() : error;
		if (cause instanceof PortUnreachableException) {
			cause = new IOException("connection refused (ICMP port unreachable from " + IpText.of(this.target.getAddress())
					+ ":" + this.target.getPort() + ")", cause);
		}
		fail((this.phase == Phase.WAITING) ? "Failed to send" : "Error reading from connection", cause);
	}

	private void timedOut() {
		if (this.phase == Phase.EXPECT) {
			this.script.noMatch(this.lastDatagram);
		}
		fail("Error reading from connection", new IOException("i/o timeout after "
				+ (System.nanoTime() - this.started) / 1_000_000 + " ms waiting for a datagram"));
	}

	private void fail(String message, Throwable cause) {
		if (this.phase == Phase.ENDED) {
			return;
		}
		this.log.error(message, "err", (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName());
		end(false);
	}

	private void end(boolean success) {
		if (this.phase == Phase.ENDED) {
			return;
		}
		this.phase = Phase.ENDED;
		if (this.deadline != null) {
			this.deadline.cancel();
		}
		close();
		this.result.complete(success);
	}

	@Override
	public void close() {
		super.close();
		if (this.phase != Phase.ENDED) {
			fail("Error reading from connection", new IOException("socket closed by the loop"));
		}
	}

	@Override
	protected void describeTo(StringBuilder sb) {
		super.describeTo(sb);
		sb.append(", phase=").append(this.phase).append(", target=").append(this.target);
	}

}
