package dev.asyncore.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters of one listener (or of one group of client dispatchers), written on the loop thread and
 * readable from any thread.
 *
 * <p>Only one loop thread writes a given instance, so increments need no atomic read-modify-write:
 * each value is read and stored with opaque/release access, which costs a plain store on x86 and
 * guarantees that readers on other threads see every value eventually and never a torn one. A
 * listener served by several reactors gives each its own {@link #newShard() shard}; reading the
 * listener sums them. Readers may see counters from slightly different instants; they are metrics,
 * not a transaction.
 */
public final class ListenerStats {

	/**
	 * What is counted. Names follow the {@code event} and {@code direction} tags of the meters.
	 * {@code READS} counts read-readiness events handled; {@code WRITES} counts socket writes that
	 * moved at least one byte (a gathering write is one); {@code TLS_HANDSHAKE_FAILED} counts
	 * accepted connections closed because TLS failed ({@link Disconnects#isTlsFailure},
	 * {@link Transport#isServerSide}), which are not {@code ERRORS}.
	 */
	public enum Counter {

		ACCEPTS, CONNECTS, READS, WRITES, CLOSES, ERRORS, REJECTED, TIMEOUTS, EVICTIONS, BYTES_RECEIVED, BYTES_SENT,
		TLS_HANDSHAKE_FAILED

	}

	private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

	private static final int ACTIVE = Counter.values().length;

	private final String name;

	private final long[] slots = new long[ACTIVE + 1];

	private volatile ListenerStats[] shards = new ListenerStats[0];

	public ListenerStats(String name) {
		this.name = name;
	}

	/**
	 * Counters for the same listener written by another loop thread; included in this instance's
	 * figures. Any thread.
	 * @return a new shard with this listener's name
	 */
	public synchronized ListenerStats newShard() {
		ListenerStats shard = new ListenerStats(this.name);
		ListenerStats[] grown = java.util.Arrays.copyOf(this.shards, this.shards.length + 1);
		grown[grown.length - 1] = shard;
		this.shards = grown;
		return shard;
	}

	/**
	 * @return the listener name these counters are tagged with
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Reads a counter; any thread.
	 * @param counter which one
	 * @return its value
	 */
	public long get(Counter counter) {
		return read(counter.ordinal());
	}

	/**
	 * @return connections of this listener currently open; any thread
	 */
	public long activeConnections() {
		return read(ACTIVE);
	}

	private long read(int slot) {
		long sum = (long) SLOTS.getOpaque(this.slots, slot);
		for (ListenerStats shard : this.shards) {
			sum += shard.read(slot);
		}
		return sum;
	}

	/** Adds one to {@code counter}. Loop thread only. */
	public void increment(Counter counter) {
		add(counter.ordinal(), 1);
	}

	/** Adds {@code delta} to {@code counter}. Loop thread only. */
	public void add(Counter counter, long delta) {
		add(counter.ordinal(), delta);
	}

	void connectionOpened() {
		add(ACTIVE, 1);
	}

	void connectionClosed() {
		add(ACTIVE, -1);
	}

	private void add(int slot, long delta) {
		SLOTS.setRelease(this.slots, slot, (long) SLOTS.getOpaque(this.slots, slot) + delta);
	}

	@Override
	public String toString() {
		StringBuilder sb = new StringBuilder("ListenerStats[").append(this.name);
		for (Counter c : Counter.values()) {
			sb.append(", ").append(c.name().toLowerCase()).append('=').append(get(c));
		}
		return sb.append(", active=").append(activeConnections()).append(']').toString();
	}

}
