package dev.asyncore.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The output queue of a {@link BufferedDispatcher} (and so of {@code AsyncChat}): buffers, file
 * regions and producers in the order they were queued, drained into the socket by {@link #flush()}.
 *
 * <p>Consecutive buffers go out in one gathering write (one buffer, the common case of a small
 * exchange, in a plain write: cheaper than {@code writev}). A file region goes out with
 * {@link FileChannel#transferTo} straight from the page cache to the socket; under a
 * {@link Transport} (TLS) that must see the bytes, it is read one pooled chunk at a time into the
 * queue instead. A producer is asked for more only when it reaches the head. Every buffer held is
 * charged to the reactor's {@link MemoryBudget} by its capacity. Loop thread only.
 */
final class OutputQueue {

	/** Smallest heap chunk: small sends coalesce into it instead of one buffer each. */
	private static final int MIN_HEAP_CHUNK = 1024;

	/** From this size on, copied bytes go to pooled direct chunks instead of the heap. */
	private static final int DIRECT_THRESHOLD = 4 * 1024;

	/** A part of a file still to send. */
	private static final class FileRegion {

		final FileChannel file;

		long position;

		final long end;

		FileRegion(FileChannel file, long position, long count) {
			this.file = file;
			this.position = position;
			this.end = position + count;
		}

	}

	private final BufferedDispatcher owner;

	private final MemoryBudget budget;

	private final ChunkPool pool;

	/** ByteBuffers, FileRegions and producers, in order. */
	private final ArrayDeque<Object> entries = new ArrayDeque<>(4);

	/** Bytes in buffers plus the bytes of file regions not yet sent. */
	private long pending;

	/** Capacity of the buffers held, as charged to the budget. */
	private long charged;

	/** Whether the budget refused a read and holds this queue for resumption. */
	private boolean paused;

	/** The budget's tight spell in which this queue was last seen over its share, or 0. */
	private int overSpell;

	/** When the budget first saw this queue over its share in {@code overSpell}. */
	private long overSince;

	/** When this queue took memory from the budget's reserve while holding nothing, or 0 once it holds nothing again. */
	private long borrowedSince;

	/** Whether the budget lists this queue among those that borrowed from its reserve. */
	private boolean borrowerListed;

	/** When the budget first refused this queue a read while it held nothing, or 0 since it last held memory. */
	private long waitingSince;

	private boolean closeWhenDone;

	OutputQueue(BufferedDispatcher owner) {
		this.owner = owner;
		this.budget = owner.reactor.memoryBudget();
		this.pool = owner.reactor.chunkPool();
	}

	long pending() {
		return this.pending;
	}

	boolean isEmpty() {
		return this.entries.isEmpty();
	}

	/** Whether the owner may read more now, as far as the memory budget goes. */
	boolean mayRead() {
		return !this.budget.isTight() || this.budget.allowsRead(this);
	}

	BufferedDispatcher owner() {
		return this.owner;
	}

	/** Closes the owner once everything queued is written (see {@link BufferedDispatcher#closeWhenDone()}). */
	void closeWhenDone() {
		this.closeWhenDone = true;
	}

	boolean isClosingWhenDone() {
		return this.closeWhenDone;
	}

	// ---------------------------------------------------------------- the memory budget's side

	/** Capacity of the buffers held, as charged to the budget. */
	long charged() {
		return this.charged;
	}

	/** The budget charged {@code bytes} more; whether the queue held nothing before (one holder more). */
	boolean addCharged(long bytes) {
		boolean first = this.charged == 0;
		this.charged += bytes;
		if (first) {
			this.waitingSince = 0;
		}
		return first;
	}

	/** The budget released {@code bytes}; whether the queue holds nothing now (one holder less). */
	boolean removeCharged(long bytes) {
		this.charged -= bytes;
		if (this.charged == 0) {
			this.borrowedSince = 0;
			return true;
		}
		return false;
	}

	/** The queue took memory from the budget's reserve while holding nothing; whether the budget must list it. */
	boolean borrow(long now) {
		if (this.borrowedSince == 0) {
			this.borrowedSince = (now == 0) ? 1 : now;
		}
		boolean list = !this.borrowerListed;
		this.borrowerListed = true;
		return list;
	}

	/**
	 * The budget drops this queue from its borrowers: when it gives the reserve back (with
	 * {@code endLoan}, when the budget is no longer tight), or when it no longer borrows.
	 */
	void unlistBorrower(boolean endLoan) {
		this.borrowerListed = false;
		if (endLoan) {
			this.borrowedSince = 0;
		}
	}

	/** The budget refused the owner a read while the queue held nothing, at {@code now}; the first such refusal counts. */
	void waitFrom(long now) {
		if (this.waitingSince == 0) {
			this.waitingSince = (now == 0) ? 1 : now;
		}
	}

	long waitingSince() {
		return this.waitingSince;
	}

	boolean isBorrowing() {
		return this.borrowedSince != 0;
	}

	long borrowedSince() {
		return this.borrowedSince;
	}

	/** Whether the budget's sweep found this queue over its share in tight spell {@code spell}. */
	boolean wasOverShareIn(int spell) {
		return spell != 0 && this.overSpell == spell;
	}

	/** The budget refused the owner a read; whether the queue was not paused yet (then the budget lists it). */
	boolean pause() {
		if (this.paused) {
			return false;
		}
		this.paused = true;
		return true;
	}

	boolean isPaused() {
		return this.paused;
	}

	/** The budget drained: the owner may read again. */
	void resume() {
		this.paused = false;
		this.owner.updateInterest();
	}

	/**
	 * The budget's sweep: notes whether this queue holds more than {@code share} in tight spell
	 * {@code spell} (0 when the budget is not tight, which clears the mark).
	 * @return whether it has held more than its share since {@code timeoutNanos} before {@code now}
	 * in this spell
	 */
	boolean overShareFor(long share, int spell, long now, long timeoutNanos) {
		if (spell == 0 || this.charged <= share) {
			this.overSpell = 0;
			return false;
		}
		if (this.overSpell != spell) {
			this.overSpell = spell;
			this.overSince = now;
			return false;
		}
		return now - this.overSince >= timeoutNanos;
	}

	// ---------------------------------------------------------------- adding

	/** Copies {@code src}'s remaining bytes onto the end, coalescing into the room of the last buffer. */
	void addCopy(ByteBuffer src) {
		this.pending += src.remaining();
		Object last = this.entries.peekLast();
		if (last instanceof ByteBuffer tail && tail.capacity() > tail.limit() && !tail.isReadOnly()) {
			appendTo(tail, src);
		}
		if (!src.hasRemaining()) {
			return;
		}
		if (src.remaining() < DIRECT_THRESHOLD) {
			ByteBuffer copy = ByteBuffer.allocate(Math.max(src.remaining(), MIN_HEAP_CHUNK));
			copy.put(src).flip();
			addLastCharged(copy);
			return;
		}
		while (src.hasRemaining()) {
			ByteBuffer chunk = this.pool.acquire().limit(0);
			appendTo(chunk, src);
			addLastCharged(chunk);
		}
	}

	/** Queues {@code data} itself, owned by the queue until written (asynchat's {@code push}). */
	void addOwned(ByteBuffer data) {
		this.pending += data.remaining();
		// read-only: nothing is ever appended into a buffer the caller handed over
		addLastCharged(data.asReadOnlyBuffer());
	}

	void addProducer(Supplier<ByteBuffer> producer) {
		this.entries.addLast(producer);
	}

	void addFile(FileChannel file, long position, long count) {
		this.pending += count;
		this.entries.addLast(new FileRegion(file, position, count));
	}

	private void addLastCharged(ByteBuffer buffer) {
		this.budget.charge(this, buffer.capacity());
		this.entries.addLast(buffer);
	}

	/** Copies as much of {@code src} as fits after the readable bytes of {@code buffer}. */
	private static void appendTo(ByteBuffer buffer, ByteBuffer src) {
		int n = Math.min(src.remaining(), buffer.capacity() - buffer.limit());
		int position = buffer.position();
		int limit = buffer.limit();
		buffer.limit(limit + n).position(limit);
		buffer.put(src.slice(src.position(), n));
		src.position(src.position() + n);
		buffer.position(position);
	}

	// ---------------------------------------------------------------- reading into the tail

	/** The pooled chunk at the end with room left, or {@code null}. */
	ByteBuffer tailWithRoom() {
		Object last = this.entries.peekLast();
		return (last instanceof ByteBuffer tail && tail.isDirect() && tail.capacity() == ChunkPool.CHUNK
				&& tail.limit() < tail.capacity() && !tail.isReadOnly()) ? tail : null;
	}

	/** {@code n} bytes were read into the room of {@code tail}. */
	void grewTail(ByteBuffer tail, int n) {
		tail.limit(tail.limit() + n);
		this.pending += n;
	}

	ByteBuffer acquireChunk() {
		return this.pool.acquire();
	}

	/** Queues a chunk that a read filled with {@code n} bytes, or gives it back when {@code n <= 0}. */
	void addReadChunk(ByteBuffer chunk, int n) {
		if (n > 0) {
			this.pending += n;
			addLastCharged(chunk.flip());
		}
		else {
			this.pool.release(chunk);
		}
	}

	// ---------------------------------------------------------------- draining

	/**
	 * Writes from the head until the socket is full or the queue is empty.
	 * @return whether the queue is empty
	 */
	boolean flush() {
		while (!this.owner.isClosed()) {
			Object head = this.entries.peekFirst();
			if (head == null) {
				return true;
			}
			boolean more;
			if (head instanceof ByteBuffer) {
				more = writeBuffers();
			}
			else if (head instanceof FileRegion region) {
				more = writeRegion(region);
			}
			else {
				more = pull(head);
			}
			if (!more) {
				return false;
			}
		}
		return false;
	}

	/** One (gathering) write of the buffers at the head; whether all of them went out. */
	private boolean writeBuffers() {
		ByteBuffer[] gather = this.owner.reactor.gatherArray();
		int count = 0;
		for (Object entry : this.entries) {
			if (!(entry instanceof ByteBuffer buffer) || count == gather.length) {
				break;
			}
			gather[count++] = buffer;
		}
		long written = (count == 1) ? this.owner.write(gather[0]) : this.owner.write(gather, count);
		Arrays.fill(gather, 0, count, null);
		if (written <= 0 || this.owner.isClosed()) {
			return false;
		}
		this.pending -= written;
		boolean all = true;
		for (int i = 0; i < count; i++) {
			ByteBuffer head = (ByteBuffer) this.entries.peekFirst();
			if (head.hasRemaining()) {
				all = false;
				break;
			}
			this.entries.pollFirst();
			drop(head);
		}
		return all;
	}

	private boolean writeRegion(FileRegion region) {
		if (this.owner.transport() != null) {
			return stage(region);
		}
		long n;
		try {
			n = region.file.transferTo(region.position, region.end - region.position,
					(WritableByteChannel) this.owner.channel());
			if (n <= 0 && region.position >= region.file.size()) {
				throw fileEnded(region);
			}
		}
		catch (IOException ex) {
			this.owner.failedWrite(ex);
			return false;
		}
		if (n <= 0) {
			return false;
		}
		this.owner.accounting.sent(n);
		this.pending -= n;
		region.position += n;
		if (region.position < region.end) {
			return false; // the socket is full: wait for writability
		}
		this.entries.pollFirst();
		return true;
	}

	/** Under a transport: reads the next chunk of the region into the queue, ahead of it. */
	private boolean stage(FileRegion region) {
		ByteBuffer chunk = this.pool.acquire();
		chunk.limit((int) Math.min(chunk.capacity(), region.end - region.position));
		int n;
		try {
			n = region.file.read(chunk, region.position);
		}
		catch (IOException ex) {
			this.pool.release(chunk);
			throw new UncheckedIOException(ex);
		}
		if (n <= 0) {
			this.pool.release(chunk);
			throw new UncheckedIOException(fileEnded(region));
		}
		region.position += n;
		if (region.position >= region.end) {
			this.entries.pollFirst();
		}
		this.budget.charge(this, chunk.capacity());
		this.entries.addFirst(chunk.flip());
		return true;
	}

	/** The file shrank under a queued region: what is missing will never come. */
	private IOException fileEnded(FileRegion region) {
		return new IOException("File ended at " + region.position + " before the region queued up to " + region.end
				+ " was sent on " + this.owner);
	}

	/** A producer at the head: its next buffer goes in front of it; exhausted, it leaves. */
	@SuppressWarnings("unchecked")
	private boolean pull(Object head) {
		ByteBuffer more = ((Supplier<ByteBuffer>) head).get();
		if (more == null || !more.hasRemaining()) {
			this.entries.pollFirst();
			return true;
		}
		this.pending += more.remaining();
		ByteBuffer owned = more.asReadOnlyBuffer();
		this.budget.charge(this, owned.capacity());
		this.entries.addFirst(owned);
		return true;
	}

	private void drop(ByteBuffer buffer) {
		this.budget.release(this, buffer.capacity());
		this.pool.release(buffer);
	}

	/** Drops everything queued, giving chunks back to the pool and charges back to the budget. */
	void clear() {
		Object entry;
		while ((entry = this.entries.pollFirst()) != null) {
			if (entry instanceof ByteBuffer buffer) {
				drop(buffer);
			}
		}
		this.pending = 0;
	}

}
