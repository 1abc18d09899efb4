package dev.asyncore.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;

import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Reactor;

/**
 * asyncore's {@code file_dispatcher}: a file or a pipe driven by the same loop as the sockets, read
 * or written one chunk per event.
 *
 * <p>A {@link FileChannel} cannot be registered with a selector, so the reactor treats it as always
 * ready and gives it one chunk per pass while it is {@link #readable()} or {@link #writable()} (the
 * loop does not block meanwhile). A {@link Pipe.SourceChannel} or {@link Pipe.SinkChannel} is
 * selectable and waits like a socket. Reading: override {@link #handleChunk(ByteBuffer)}; end of file
 * leads to {@link #handleClose()}. Writing: {@link #write(ByteBuffer)} queues a copy, drained one
 * chunk per event; {@link #closeWhenDone()} closes after the last one. File reads and writes are
 * short blocking system calls on the loop thread; keep chunks small. Loop thread only.
 */
public class FileDispatcher extends Dispatcher {

	/** Which way the bytes flow. */
	public enum Mode {

		READ, WRITE

	}

	private final Mode mode;

	private final int chunkSize;

	private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();

	private long pending;

	private boolean closeWhenDone;

	/**
	 * Puts {@code channel} (a {@code FileChannel} or a pipe end) in the map.
	 * @param chunkSize bytes moved per event, at most {@link Reactor#READ_BUFFER_SIZE} when reading
	 */
	public FileDispatcher(Reactor reactor, Channel channel, Mode mode, int chunkSize) {
		super(reactor, channel);
		if (chunkSize <= 0 || (mode == Mode.READ && chunkSize > Reactor.READ_BUFFER_SIZE)) {
			close();
			throw new IllegalArgumentException("chunkSize must be between 1 and " + Reactor.READ_BUFFER_SIZE);
		}
		this.mode = mode;
		this.chunkSize = chunkSize;
	}

	/** Opens {@code path} for {@code mode} (writing creates or truncates it). */
	public static FileChannel open(Path path, Mode mode) throws IOException {
		return (mode == Mode.READ) ? FileChannel.open(path, StandardOpenOption.READ)
				: FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
						StandardOpenOption.TRUNCATE_EXISTING);
	}

	@Override
	public boolean readable() {
		return this.mode == Mode.READ;
	}

	@Override
	public boolean writable() {
		return this.mode == Mode.WRITE && this.pending > 0;
	}

	/** Reads one chunk and passes it to {@link #handleChunk}. */
	@Override
	protected void handleRead() throws IOException {
		ByteBuffer buffer = this.reactor.readBuffer().limit(this.chunkSize);
		int n = recv(buffer);
		if (n > 0) {
			handleChunk(buffer.flip());
		}
	}

	/**
	 * One chunk was read. The buffer is the reactor's and is reused after this returns: copy what you
	 * keep. The default does nothing.
	 */
	protected void handleChunk(ByteBuffer chunk) throws IOException {
	}

	/** Queues a copy of {@code data} to be written one chunk per event. */
	public void write(ByteBuffer data) {
		if (this.mode != Mode.WRITE) {
			throw new IllegalStateException(this + " was opened for reading");
		}
		if (isClosed() || !data.hasRemaining()) {
			return;
		}
		ByteBuffer copy = ByteBuffer.allocate(data.remaining());
		copy.put(data).flip();
		this.queue.add(copy);
		this.pending += copy.remaining();
		updateInterest();
	}

	/** Writes one chunk of the queue. */
	@Override
	protected void handleWrite() {
		ByteBuffer head = this.queue.peek();
		if (head == null) {
			return;
		}
		ByteBuffer chunk = head.slice();
		chunk.limit(Math.min(chunk.remaining(), this.chunkSize));
		int n = send(chunk);
		head.position(head.position() + n);
		this.pending -= n;
		if (!head.hasRemaining()) {
			this.queue.poll();
		}
		if (this.pending == 0 && this.closeWhenDone) {
			close();
		}
	}

	/** Closes once every queued byte is written (at once if none is). */
	public void closeWhenDone() {
		this.closeWhenDone = true;
		if (this.pending == 0) {
			close();
		}
	}

	/** Bytes queued and not yet written. */
	public long pendingBytes() {
		return this.pending;
	}

	public int chunkSize() {
		return this.chunkSize;
	}

	@Override
	public void close() {
		super.close();
		this.queue.clear();
		this.pending = 0;
	}

}
