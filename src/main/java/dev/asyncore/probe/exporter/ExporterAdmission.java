package dev.asyncore.probe.exporter;

import java.util.Iterator;
import java.util.LinkedHashSet;

import dev.asyncore.core.ServerDispatcher;

/**
 * The connections of one exporter listener that are answering nothing, oldest first: those still
 * sending a request (a slow head or body) and those idle between requests. When the listener is full
 * ({@code max-connections} open), it asks this for room ({@link #evictOne}) and the oldest of them is
 * closed, so that a connection that never completes a request cannot keep a fresh scrape out, however
 * many of them there are. A connection answering a request (a probe running) is never chosen.
 *
 * <pre>{@code
 * ExporterAdmission admission = new ExporterAdmission();
 * ServerDispatcher server = new ServerDispatcher(reactor, address, options, stats,
 *         (r, channel, s) -> new ExporterConnection(r, channel, exporter, deadlines, admission));
 * server.setOverflow(admission);
 * }</pre>
 *
 * <p>Thread-safe: the connections of one listener may live on several loops; a connection chosen on
 * another loop than the listener's closes on its own loop's next pass (until then the listener is
 * above its maximum by that connection).
 */
public final class ExporterAdmission implements ServerDispatcher.Overflow {

	/** Insertion order is the order in which the connections began to wait. Guarded by {@code this}. */
	private final LinkedHashSet<ExporterConnection> waiting = new LinkedHashSet<>();

	/** {@code connection} waits for a request; one already waiting keeps its place. */
	synchronized void waiting(ExporterConnection connection) {
		this.waiting.add(connection);
	}

	/** {@code connection} has a whole request to answer, or closed: it is no candidate. */
	synchronized void leave(ExporterConnection connection) {
		this.waiting.remove(connection);
	}

	/**
	 * Closes the connection that has waited longest for a request, on its loop. Called by the
	 * listener, on its loop thread, when it is full.
	 * @return whether there was one
	 */
	@Override
	public boolean evictOne() {
		ExporterConnection oldest;
		synchronized (this) {
			Iterator<ExporterConnection> first = this.waiting.iterator();
			if (!first.hasNext()) {
				return false;
			}
			oldest = first.next();
			first.remove();
		}
		oldest.evict();
		return true;
	}

}
