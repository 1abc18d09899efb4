package dev.asyncore.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * asyncore's socket map and {@code loop()}: a {@link Selector}, the {@link Dispatcher}s registered
 * with it, a timer heap and a task queue, all owned by one loop thread.
 *
 * <h2>Threads</h2>
 * The thread inside {@link #loop()} (or {@link #runUntilStopped(Duration)}) is the loop thread; dispatcher
 * methods and everything touching the map run there. Before any loop runs, the creating thread may
 * set dispatchers up, as an asyncore program does before calling {@code loop()}. From any other
 * thread, use {@link #execute(Runnable)}, {@link #submit(Callable)}, {@link #schedule(Duration,
 * Runnable)}, {@link #stop()} and the read-only figures ({@link #size()}, {@link #iterations()}...).
 *
 * <h2>Cost</h2>
 * A pass costs O(ready channels + expired timers + queued tasks): interest is recomputed per
 * dispatcher when its state changes (see {@link Dispatcher#updateInterest()}), never by asking
 * every dispatcher on every pass as asyncore does. Ready keys are delivered through
 * {@link Selector#select(Consumer, long)}, which allocates nothing per key.
 *
 * <h2>Not guaranteed</h2>
 * The selector may wake up spuriously; a pass may find nothing to do. Readiness is level-triggered:
 * a dispatcher that leaves bytes unread is told again on the next pass.
 *
 * <pre>{@code
 * Reactor reactor = new Reactor();
 * new EchoServer(reactor, new InetSocketAddress("127.0.0.1", 0));
 * reactor.loop(); // until the map is empty
 * }</pre>
 */
public final class Reactor implements Executor, Closeable {

	private static final Logger logger = LoggerFactory.getLogger(Reactor.class);

	/** Size of the loop-owned direct buffer lent to dispatchers for reads. */
	public static final int READ_BUFFER_SIZE = 64 * 1024;

	private final String name;

	private final Selector selector;

	private final SocketMap map = new SocketMap();

	private final TaskQueue tasks;

	private final Timers timers = new Timers(this);

	private final ListenerStats defaultStats;

	private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);

	private final ChunkPool chunkPool = new ChunkPool();

	private final MemoryBudget memoryBudget = new MemoryBudget(this, this.map);

	private final ByteBuffer[] gatherArray = new ByteBuffer[16];

	private final Consumer<SelectionKey> keyHandler = this::dispatch;

	private final Consumer<Runnable> taskRunner = EventDelivery::runTask;

	private final LoopOwner owner = new LoopOwner();

	private volatile boolean stopRequested;

	private volatile boolean closed;

	private final PassFigures figures = new PassFigures();

	/** When the first ready key of this pass was seen (the end of the select wait), or 0. */
	private long passDispatchStart;

	public Reactor() {
		this("asyncore");
	}

	/**
	 * @param name used in logs, thread-independent; also the {@code reactor} tag of its meters
	 */
	public Reactor(String name) {
		this.name = Objects.requireNonNull(name, "name");
		this.defaultStats = new ListenerStats(name);
		try {
			this.selector = Selector.open();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open a selector", ex);
		}
		this.tasks = new TaskQueue(this.selector);
	}

	/**
	 * Runs until the map is empty, {@link #stop()} is called, a hook throws {@link ExitNow} or the
	 * loop thread is interrupted. Each pass blocks until a channel is ready, a timer is due or a task
	 * is queued.
	 */
	public void loop() {
		loop(null, -1);
	}

	/**
	 * Runs at most {@code count} passes (all of them if {@code count} is negative), each waiting at
	 * most {@code timeout} for something to happen; returns at once when the map is empty. This is
	 * how an asyncore loop is embedded in another event loop: {@code loop(Duration.ZERO, 1)} does one
	 * pass without blocking.
	 * @param timeout longest wait per pass; {@code null} waits until something happens
	 * @param count maximum number of passes, or a negative number for no limit
	 */
	public void loop(Duration timeout, int count) {
		run((timeout != null) ? timeout.toNanos() : Long.MAX_VALUE, count, true);
	}

	/**
	 * Runs until {@link #stop()}, whether or not the map is empty: the mode of a server whose
	 * listeners come and go. Each pass waits at most {@code maxWait} so that {@link #lastPassAge()}
	 * stays meaningful on an idle reactor.
	 * @param maxWait longest wait per pass
	 */
	public void runUntilStopped(Duration maxWait) {
		run(maxWait.toNanos(), -1, false);
	}

	private void run(long timeoutNanos, int count, boolean untilEmpty) {
		if (this.closed) {
			throw new IllegalStateException(this + " is closed");
		}
		this.owner.enter(this);
		try {
			for (int pass = 0; (count < 0 || pass < count) && (!untilEmpty || this.map.size() > 0)
					&& !this.stopRequested && !Thread.currentThread().isInterrupted(); pass++) {
				runOnce(timeoutNanos);
			}
		}
		finally {
			this.owner.exit();
		}
	}

	private void runOnce(long timeoutNanos) {
		long start = this.figures.beginPass();
		this.map.activatePending();
		long wait = timeoutNanos;
		this.tasks.newPass();
		if (!this.tasks.isEmpty() || this.map.hasImmediateWork()) {
			wait = 0;
		}
		else {
			wait = Math.min(wait, this.timers.nanosUntilNext(start));
		}
		this.passDispatchStart = 0;
		try {
			if (wait <= 0) {
				this.selector.selectNow(this.keyHandler);
			}
			else {
				long millis = (wait == Long.MAX_VALUE) ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999));
				this.selector.select(this.keyHandler, millis);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("select failed on " + this, ex);
		}
		long selected = (this.passDispatchStart != 0) ? this.passDispatchStart : System.nanoTime();
		this.map.runReadyAgain();
		this.map.runAlwaysReady();
		this.timers.runExpired(this.taskRunner);
		this.tasks.runQueued(this.taskRunner);
		this.figures.endPass(start, selected);
	}

	private void dispatch(SelectionKey key) {
		if (this.passDispatchStart == 0) {
			this.passDispatchStart = System.nanoTime();
		}
		Dispatcher dispatcher = (Dispatcher) key.attachment();
		if (key.isValid()) {
			EventDelivery.deliverReadiness(dispatcher, key.readyOps());
		}
	}

	/**
	 * Queues {@code task} to run on the loop thread and wakes the selector if needed. Any thread.
	 * Tasks run in submission order after the I/O of the pass in which they are seen.
	 * @throws RejectedExecutionException if the reactor is closed
	 */
	@Override
	public void execute(Runnable task) {
		Objects.requireNonNull(task, "task");
		if (this.closed) {
			throw new RejectedExecutionException(this + " is closed");
		}
		this.tasks.add(task, inLoopThread());
	}

	/**
	 * Runs {@code callable} on the loop thread; any thread.
	 * @return a future completed on the loop thread with the result or the exception
	 */
	public <T> CompletableFuture<T> submit(Callable<T> callable) {
		CompletableFuture<T> future = new CompletableFuture<>();
		execute(() -> {
			try {
				future.complete(callable.call());
			}
			catch (Throwable ex) {
				future.completeExceptionally(ex);
			}
		});
		return future;
	}

	/**
	 * Runs {@code task} on the loop thread after {@code delay}; any thread. Timers fire in deadline
	 * order, after that pass's I/O; a busy loop may run them late, never early.
	 * @return a handle that cancels the task
	 */
	public TimerHandle schedule(Duration delay, Runnable task) {
		Objects.requireNonNull(task, "task");
		Timers.Entry entry = this.timers.newEntry(System.nanoTime() + Math.max(0, delay.toNanos()), task);
		if (isOwnedByCaller()) {
			this.timers.add(entry);
		}
		else {
			execute(() -> this.timers.add(entry));
		}
		return entry;
	}

	/**
	 * Makes the running loop return after its current pass, and every later loop return at once.
	 * Any thread; final.
	 */
	public void stop() {
		this.stopRequested = true;
		this.tasks.wakeUp(inLoopThread());
	}

	/**
	 * Closes every dispatcher in the map, as asyncore's {@code close_all}. Loop thread (or before a
	 * loop runs); from other threads use {@code execute(reactor::closeAll)}.
	 */
	public void closeAll() {
		checkOwner();
		this.map.closeAll();
	}

	/**
	 * Closes every dispatcher and the selector. Call it when no loop runs, or from the loop thread.
	 * Tasks still queued are dropped.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		closeAll();
		this.closed = true;
		this.timers.clear();
		this.tasks.clear();
		try {
			this.selector.close();
		}
		catch (IOException ex) {
			logger.debug("Closing selector of {} failed", this, ex);
		}
	}

	/** Dispatchers in the map (the map size); any thread. */
	public int size() {
		return this.map.size();
	}

	/**
	 * A copy of the map, in registration order. Loop thread; others use
	 * {@code submit(reactor::dispatchers)}.
	 * @return the dispatchers now registered
	 */
	public List<Dispatcher> dispatchers() {
		checkOwner();
		return this.map.copy();
	}

	/** Loop passes run so far; any thread. */
	public long iterations() {
		return this.figures.iterations();
	}

	/** Total nanoseconds spent waiting in the selector; any thread. */
	public long selectNanos() {
		return this.figures.selectNanos();
	}

	/** Total nanoseconds spent dispatching events, timers and tasks; any thread. */
	public long dispatchNanos() {
		return this.figures.dispatchNanos();
	}

	/** Time since the last loop pass ended; any thread. */
	public Duration lastPassAge() {
		return Duration.ofNanos(System.nanoTime() - this.figures.lastPassNanos());
	}

	/** Whether a loop is running now; any thread. */
	public boolean isLooping() {
		return this.owner.thread() != null;
	}

	/** Whether {@link #stop()} was called. */
	public boolean isStopRequested() {
		return this.stopRequested;
	}

	/** Whether the calling thread is the loop thread. */
	public boolean inLoopThread() {
		return this.owner.isLoopThread();
	}

	/** The reactor name. */
	public String name() {
		return this.name;
	}

	/** Counters of dispatchers that belong to no listener; any thread. */
	public ListenerStats defaultStats() {
		return this.defaultStats;
	}

	/**
	 * A direct buffer owned by the loop, cleared and lent to the caller for the duration of one hook.
	 * Dispatchers read into it and consume or copy what they keep before returning: the next hook
	 * gets the same buffer. Loop thread only.
	 * @return the shared read buffer, cleared
	 */
	public ByteBuffer readBuffer() {
		return this.readBuffer.clear();
	}

	/**
	 * The bound on the output buffered by this reactor's dispatchers; its figures are readable from
	 * any thread, its limits are set before the loop runs.
	 * @return this reactor's memory budget
	 */
	public MemoryBudget memoryBudget() {
		return this.memoryBudget;
	}

	ChunkPool chunkPool() {
		return this.chunkPool;
	}

	/** Scratch array for gathering writes, shared by the loop's dispatchers (one write at a time). */
	ByteBuffer[] gatherArray() {
		return this.gatherArray;
	}

	boolean isOwnedByCaller() {
		return this.owner.isOwnedByCaller();
	}

	void checkOwner() {
		this.owner.check(this);
	}

	Selector selector() {
		if (this.closed) {
			throw new ClosedSelectorException();
		}
		return this.selector;
	}

	void add(Dispatcher dispatcher, boolean selectable) {
		checkOwner();
		this.map.add(dispatcher, selectable);
	}

	/**
	 * On the loop thread, when this pass's select returned (its first event), else the start of the
	 * pass; else the current time. Not the start alone: that comes before a select that may have
	 * waited as long as a peer was silent, and an idle clock stamped there would run early.
	 */
	long now() {
		if (!inLoopThread()) {
			return System.nanoTime();
		}
		long dispatching = this.passDispatchStart;
		return (dispatching != 0) ? dispatching : this.figures.passStart();
	}

	void remove(Dispatcher dispatcher) {
		this.map.remove(dispatcher);
	}

	/** A layered transport holds input the selector will not report: read it on the next pass. */
	void readyAgain(Dispatcher dispatcher) {
		this.map.readyAgain(dispatcher);
	}

	@Override
	public String toString() {
		Thread thread = this.owner.thread();
		return "Reactor[" + this.name + ", size=" + this.map.size() + ", iterations=" + iterations()
				+ ((thread != null) ? ", looping on " + thread.getName() : ", idle")
				+ (this.closed ? ", closed" : "") + ']';
	}

}
