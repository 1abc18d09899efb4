package dev.asyncore.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dispatcher over a UDP {@link DatagramChannel} (asyncore accepts {@code SOCK_DGRAM} sockets).
 * {@link #recvFrom} reads one datagram; {@link #sendTo} sends one, or queues it while the socket is
 * full, up to {@code maxQueued} datagrams; beyond that datagrams are dropped, as UDP would. Loop
 * thread only.
 */
public class DatagramDispatcher extends Dispatcher {

	private static final Logger logger = LoggerFactory.getLogger(DatagramDispatcher.class);

	private final ArrayDeque<Queued> queue = new ArrayDeque<>();

	private final int maxQueued;

	private long dropped;

	/** A UDP socket, opened and put in the map; {@link #bind} it to receive. */
	public DatagramDispatcher(Reactor reactor, int maxQueued) {
		super(reactor);
		this.maxQueued = maxQueued;
		try {
			createDatagramSocket();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open a UDP socket", ex);
		}
	}

	private DatagramChannel datagramChannel() {
		return (DatagramChannel) channel();
	}

	/**
	 * Receives one datagram into {@code dst}; a datagram longer than the space left is truncated.
	 * @return the sender, or {@code null} if none was waiting
	 */
	public SocketAddress recvFrom(ByteBuffer dst) throws IOException {
		int before = dst.position();
		SocketAddress sender = datagramChannel().receive(dst);
		if (sender != null) {
			this.accounting.received(dst.position() - before);
		}
		return sender;
	}

	/**
	 * Sends {@code src} as one datagram to {@code target}, or queues a copy while the socket is full.
	 * @return {@code false} if the datagram was dropped because the queue is full
	 */
	public boolean sendTo(ByteBuffer src, SocketAddress target) throws IOException {
		if (this.queue.isEmpty()) {
			int n = datagramChannel().send(src, target);
			if (n > 0 || !src.hasRemaining()) {
				this.accounting.sent(n);
				return true;
			}
		}
		if (this.queue.size() >= this.maxQueued) {
			this.dropped++;
			logger.debug("{}: send queue full, datagram to {} dropped", this, target);
			return false;
		}
		ByteBuffer copy = ByteBuffer.allocate(src.remaining());
		copy.put(src).flip();
		this.queue.add(new Queued(copy, target));
		updateInterest();
		return true;
	}

	/** Datagrams dropped because the send queue was full. */
	public long droppedDatagrams() {
		return this.dropped;
	}

	/** Datagrams waiting for the socket. */
	public int queuedDatagrams() {
		return this.queue.size();
	}

	@Override
	public boolean writable() {
		return !this.queue.isEmpty();
	}

	@Override
	protected void handleWrite() throws IOException {
		Queued next;
		while ((next = this.queue.peek()) != null) {
			int n = datagramChannel().send(next.data, next.target);
			if (n == 0 && next.data.hasRemaining()) {
				return;
			}
			this.accounting.sent(n);
			this.queue.poll();
		}
	}

	@Override
	public void close() {
		super.close();
		this.queue.clear();
	}

	private record Queued(ByteBuffer data, SocketAddress target) {
	}

}
