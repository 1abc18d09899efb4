package dev.asyncore.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * One reactor's bound on buffered output: every {@link OutputQueue} charges the memory it holds
 * (pooled direct chunks, heap copies, buffers handed to it, chunks staged from a file under TLS)
 * here, so that peer input can never exhaust memory, however many connections there are.
 *
 * <ul>
 * <li>Below three quarters of {@link #max()} nothing changes.</li>
 * <li>From there on the budget is <em>tight</em>: a queue that holds at least the average of the
 * queues holding memory stops reading (the largest queues first), so that the rest stay served.</li>
 * <li>The last sixteenth of {@link #max()} (at least one chunk, {@link #reserve()}) is a
 * <em>reserve</em> for queues that hold nothing: a queue that holds anything stops reading before it
 * would reach into it, and no read ever takes the total past {@link #max()}. A connection that holds
 * nothing and has not been found over its share in this tight spell may read into the reserve; so a
 * new client's request is read and answered while the holders wait.</li>
 * <li>The reserve is lent, not given: a connection that took a chunk of it while holding nothing and
 * still holds memory after {@link #reserveLoan()} while a new client waits for the reserve is closed
 * (a peer that never reads cannot keep the reserve from the next client); each is counted as
 * {@link ListenerStats.Counter#EVICTIONS}. A connection refused while holding nothing is resumed as
 * soon as a chunk of the reserve is free again, the most recently refused first. So a new client
 * waits for nothing while a chunk of the reserve is free, and at worst about one loan otherwise:
 * {@code MemoryBudgetIT} measures 200 never-readers holding a 16 MiB budget and 20 fresh clients
 * one after another answered, the slowest in about a second (see {@code src/docs/reliability.md}).</li>
 * <li>Once the total drains below half of {@link #max()} (the low-water mark), the paused
 * connections read again.</li>
 * <li>A connection that holds more than its share of the low-water mark for
 * {@link #evictionTimeout()} while the budget stays tight is closed, largest first, until the rest
 * fits below it; each is counted as {@link ListenerStats.Counter#EVICTIONS}. Its peer is not
 * reading fast enough for the budget: whether or not it still sends (a peer that stopped sending
 * is never paused, yet holds its queue all the same), nothing else would free that memory. A sweep
 * over the map looks for such connections every quarter of the timeout while the budget is tight.</li>
 * </ul>
 *
 * <p>Accounting is two long additions per chunk; the checks run only when a queue's owner asks
 * whether to read while the budget is tight. The figures are written on the loop thread and readable
 * from any thread, as metrics. The default limit is half of the JVM's direct-memory limit. Loop
 * thread only, except the read-only figures and {@link #setMax} / {@link #setEvictionTimeout} before
 * the loop runs.
 */
public final class MemoryBudget {

	private static final Logger logger = LoggerFactory.getLogger(MemoryBudget.class);

	/** How long an over-share queue may stay paused before it is closed, by default. */
	public static final Duration DEFAULT_EVICTION_TIMEOUT = Duration.ofSeconds(30);

	/** How long a connection may keep a chunk of the reserve while a new client waits for it, at most. */
	public static final Duration RESERVE_LOAN = Duration.ofSeconds(1);

	private static final VarHandle USED;

	private static final VarHandle PEAK;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			USED = lookup.findVarHandle(MemoryBudget.class, "used", long.class);
			PEAK = lookup.findVarHandle(MemoryBudget.class, "peak", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final Reactor reactor;

	private final List<OutputQueue> paused = new ArrayList<>();

	private final Runnable resume = this::resumeAll;

	private final Runnable sweep = this::evictOverShare;

	/** Queues refused while holding nothing, the most recently refused first. */
	private final ArrayDeque<OutputQueue> waiting = new ArrayDeque<>();

	/** Queues that took a chunk of the reserve while holding nothing (some may have given it back since). */
	private final List<OutputQueue> borrowers = new ArrayList<>();

	private final Runnable resumeWaiting = this::resumeWaiting;

	private final Runnable reclaim = this::reclaimReserve;

	private volatile long max;

	/** Written on the loop thread only, with opaque stores (a plain store on x86), read with opaque loads. */
	private long used;

	private volatile long evictions;

	private long peak;

	private long tightMark;

	private long lowMark;

	/** The bytes kept for queues that hold nothing: {@code max} less this is where holders stop reading. */
	private long reserve;

	private long holdLine;

	private int holders;

	private volatile boolean tight;

	private boolean resumeQueued;

	private boolean sweepScheduled;

	private boolean resumeWaitingQueued;

	private boolean reclaimScheduled;

	/** Counts the tight spells, so that an over-share mark from an earlier spell is not taken for this one. */
	private int spell;

	private Duration evictionTimeout = DEFAULT_EVICTION_TIMEOUT;

	private final SocketMap map;

	MemoryBudget(Reactor reactor, SocketMap map) {
		this.reactor = reactor;
		this.map = map;
		setMax(defaultMax());
	}

	/** Half of the JVM's direct-memory limit ({@code -XX:MaxDirectMemorySize}, else the heap limit). */
	public static long defaultMax() {
		return DirectMemory.LIMIT / 2;
	}

	/**
	 * Sets the limit in bytes.
	 * @throws IllegalArgumentException below two chunks (128 KiB)
	 */
	public void setMax(long bytes) {
		if (bytes < 2L * ChunkPool.CHUNK) {
			throw new IllegalArgumentException("max buffered bytes must be at least " + 2 * ChunkPool.CHUNK + ", was " + bytes);
		}
		this.max = bytes;
		this.tightMark = bytes - bytes / 4;
		this.lowMark = bytes / 2;
		this.reserve = Math.max(1, bytes / 16 / ChunkPool.CHUNK) * ChunkPool.CHUNK;
		this.holdLine = bytes - this.reserve;
	}

	/** Sets how long an over-share queue may stay paused before it is closed. */
	public void setEvictionTimeout(Duration timeout) {
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("eviction timeout must be positive, was " + timeout);
		}
		this.evictionTimeout = timeout;
	}

	public Duration evictionTimeout() {
		return this.evictionTimeout;
	}

	/** The bytes at the top of the budget that only queues holding nothing may read into. */
	public long reserve() {
		return this.reserve;
	}

	/** How long a connection may keep what it read into the reserve while a new client waits: {@link #RESERVE_LOAN}, or the eviction timeout if shorter. */
	public Duration reserveLoan() {
		return (this.evictionTimeout.compareTo(RESERVE_LOAN) < 0) ? this.evictionTimeout : RESERVE_LOAN;
	}

	/** The limit in bytes; any thread. */
	public long max() {
		return this.max;
	}

	/** Bytes held by the output queues of the reactor now; any thread. */
	public long used() {
		return (long) USED.getOpaque(this);
	}

	/**
	 * The most bytes held at once so far; any thread. Reads from peers stop before it passes
	 * {@link #max()}; output that a dispatcher queues of its own accord may take it further.
	 */
	public long peak() {
		return (long) PEAK.getOpaque(this);
	}

	/** Connections closed because they stayed over their share or kept the reserve from a new client; any thread. */
	public long evictions() {
		return this.evictions;
	}

	/** Whether queues are being paused now (the total passed three quarters of the limit). */
	public boolean isTight() {
		return this.tight;
	}

	// ---------------------------------------------------------------- queue side

	void charge(OutputQueue queue, long bytes) {
		long total = this.used + bytes;
		if (queue.addCharged(bytes)) {
			this.holders++;
			if (total > this.holdLine) {
				lend(queue);
			}
		}
		USED.setOpaque(this, total);
		if (total > this.peak) {
			PEAK.setOpaque(this, total);
		}
		if (total >= this.tightMark && !this.tight) {
			tighten();
		}
	}

	void release(OutputQueue queue, long bytes) {
		if (queue.removeCharged(bytes)) {
			this.holders--;
		}
		long total = this.used - bytes;
		USED.setOpaque(this, total);
		if (this.tight && total < this.lowMark) {
			relax();
		}
		else if (!this.waiting.isEmpty() && total + ChunkPool.CHUNK <= this.max && !this.resumeWaitingQueued) {
			// a chunk of the reserve is free: the connections refused while holding nothing try again
			this.resumeWaitingQueued = true;
			this.reactor.execute(this.resumeWaiting);
		}
	}

	/** Whether {@code queue}'s owner may read now; a refusal registers it to be resumed. */
	boolean allowsRead(OutputQueue queue) {
		long total = this.used;
		long charged = queue.charged();
		boolean empty = charged == 0;
		boolean allowed;
		if (empty && !queue.wasOverShareIn(this.spell)) {
			// the reserve is for the queues that hold nothing: a new client is served while the rest wait
			allowed = total + ChunkPool.CHUNK <= this.max;
		}
		else {
			// below the reserve, and below the average of the holders: the largest queues stop first
			allowed = total + ChunkPool.CHUNK <= this.holdLine && (empty || charged * this.holders < total);
		}
		if (!allowed && queue.pause()) {
			if (empty) {
				queue.waitFrom(System.nanoTime());
				this.waiting.addFirst(queue);
				scheduleReclaim();
			}
			else {
				this.paused.add(queue);
			}
		}
		return allowed;
	}

	/** {@code queue} took memory from the reserve while holding nothing: it is lent for {@link #reserveLoan()}. */
	private void lend(OutputQueue queue) {
		if (queue.borrow(System.nanoTime())) {
			this.borrowers.add(queue);
		}
		scheduleReclaim();
	}

	private void dropFormerBorrowers() {
		this.borrowers.removeIf((queue) -> {
			boolean former = !queue.isBorrowing() || queue.owner().isClosed();
			if (former) {
				queue.unlistBorrower(false);
			}
			return former;
		});
	}

	private void scheduleReclaim() {
		if (!this.reclaimScheduled) {
			this.reclaimScheduled = true;
			this.reactor.schedule(reserveLoan(), this.reclaim);
		}
	}

	/** The connections refused while holding nothing try again, the most recent first, one per free chunk of the reserve. */
	private void resumeWaiting() {
		this.resumeWaitingQueued = false;
		long free = (this.max - this.used) / ChunkPool.CHUNK;
		OutputQueue queue;
		while (free > 0 && (queue = this.waiting.pollFirst()) != null) {
			if (queue.isPaused() && !queue.owner().isClosed()) {
				queue.resume();
				free--;
			}
		}
	}

	/**
	 * Keeps the reserve for new clients while the budget is tight. Those that borrowed from it and
	 * still hold memory after {@link #reserveLoan()} are closed until a chunk is free for each
	 * waiting connection (one at least): their peers do not read what they were sent, so without this
	 * a few never-readers would keep the reserve from every new client. The waiting connections are
	 * resumed, the most recently refused first; one still refused two loans after it was first
	 * refused is no longer new (a peer that connected and sent while the budget was full, and still
	 * is): it waits with the holders for the low-water mark.
	 */
	private void reclaimReserve() {
		this.reclaimScheduled = false;
		if (!this.tight) {
			return;
		}
		this.waiting.removeIf((queue) -> !queue.isPaused() || queue.owner().isClosed());
		dropFormerBorrowers();
		long now = System.nanoTime();
		long loan = reserveLoan().toNanos();
		int wanted = Math.max(1, this.waiting.size());
		int closed = 0;
		for (OutputQueue queue : this.borrowers.toArray(new OutputQueue[0])) {
			if ((this.max - this.used) / ChunkPool.CHUNK >= wanted) {
				break;
			}
			if (now - queue.borrowedSince() >= loan) {
				evict(queue, "kept what it took from the memory budget's reserve for " + reserveLoan());
				closed++;
			}
		}
		evicted(closed, "kept the memory budget's reserve from new clients");
		resumeWaiting();
		this.waiting.removeIf((queue) -> {
			boolean stale = now - queue.waitingSince() >= 2 * loan;
			if (stale) {
				this.paused.add(queue);
			}
			return stale;
		});
		if (!this.waiting.isEmpty() || !this.borrowers.isEmpty()) {
			scheduleReclaim();
		}
	}

	private void tighten() {
		this.tight = true;
		this.spell++;
		logger.debug("{}: buffered output at {} of {} bytes, pausing the largest readers", this.reactor, this.used, this.max);
		if (!this.sweepScheduled) {
			this.sweepScheduled = true;
			this.reactor.schedule(sweepInterval(), this.sweep);
		}
	}

	private Duration sweepInterval() {
		return this.evictionTimeout.dividedBy(4);
	}

	private void relax() {
		this.tight = false;
		for (OutputQueue queue : this.borrowers) {
			queue.unlistBorrower(true);
		}
		this.borrowers.clear();
		if (!this.resumeQueued && !(this.paused.isEmpty() && this.waiting.isEmpty())) {
			// not from inside the charging dispatcher's hook: other dispatchers' interest changes on the loop's own turn
			this.resumeQueued = true;
			this.reactor.execute(this.resume);
		}
	}

	private void resumeAll() {
		this.resumeQueued = false;
		OutputQueue[] waiting = this.paused.toArray(new OutputQueue[0]);
		this.paused.clear();
		for (OutputQueue queue : waiting) {
			queue.resume();
		}
		OutputQueue queue;
		while ((queue = this.waiting.pollFirst()) != null) {
			if (queue.isPaused() && !queue.owner().isClosed()) {
				queue.resume();
			}
		}
	}

	/**
	 * Marks the queues over their share and closes those that have been over it for the eviction
	 * timeout, largest first, until the total is below the low-water mark. Every queue of the map is
	 * looked at, not only the paused ones: a peer that neither reads nor sends has no event that
	 * would pause it.
	 */
	private void evictOverShare() {
		this.sweepScheduled = false;
		this.paused.removeIf((queue) -> !queue.isPaused() || queue.owner().isClosed());
		this.waiting.removeIf((queue) -> !queue.isPaused() || queue.owner().isClosed());
		dropFormerBorrowers();
		if (!this.tight && this.paused.isEmpty() && this.waiting.isEmpty()) {
			return;
		}
		long share = this.lowMark / Math.max(1, this.holders);
		long now = System.nanoTime();
		long timeout = this.evictionTimeout.toNanos();
		int tightSpell = this.tight ? this.spell : 0;
		List<OutputQueue> candidates = new ArrayList<>();
		this.map.forEach((dispatcher) -> {
			OutputQueue queue = (dispatcher instanceof BufferedDispatcher buffered) ? buffered.existingQueue() : null;
			if (queue != null && queue.overShareFor(share, tightSpell, now, timeout)) {
				candidates.add(queue);
			}
		});
		candidates.sort(Comparator.comparingLong(OutputQueue::charged).reversed());
		int closed = 0;
		for (OutputQueue queue : candidates) {
			if (this.used < this.lowMark) {
				break;
			}
			evict(queue, "over its share of the memory budget (" + share + " bytes) for " + this.evictionTimeout);
			closed++;
		}
		evicted(closed, "stopped reading while the memory budget was full");
		if (this.tight || !this.paused.isEmpty() || !this.waiting.isEmpty()) {
			this.sweepScheduled = true;
			this.reactor.schedule(sweepInterval(), this.sweep);
		}
	}

	/** Closes {@code queue}'s connection, counted as an eviction of its listener. */
	private static void evict(OutputQueue queue, String why) {
		BufferedDispatcher owner = queue.owner();
		owner.stats().increment(ListenerStats.Counter.EVICTIONS);
		logger.debug("{}: holds {} bytes, {}: closing", owner, queue.charged(), why);
		owner.close();
	}

	private void evicted(int closed, String which) {
		if (closed > 0) {
			this.evictions += closed;
			logger.warn("{}: closed {} connection(s) that {} ({} of {} bytes)", this.reactor, closed, which, this.used,
					this.max);
		}
	}

	@Override
	public String toString() {
		return "MemoryBudget[" + this.used + " of " + this.max + (this.tight ? ", tight" : "") + ", holders=" + this.holders + ']';
	}

	/** The JVM's direct-memory limit, found once. */
	private static final class DirectMemory {

		static final long LIMIT = find();

		private static long find() {
			try {
				HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
				long configured = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
				if (configured > 0) {
					return configured;
				}
			}
			catch (RuntimeException | LinkageError ex) {
				logger.debug("No HotSpot diagnostic bean; the direct-memory limit is taken as the heap limit", ex);
			}
			// the JDK's own default when the option is not set
			return Runtime.getRuntime().maxMemory();
		}

	}

}
