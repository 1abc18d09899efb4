package dev.asyncore.core;

import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * asyncore's {@code socket_map} for one reactor: the dispatchers in registration order, keyed by
 * identity (never by file descriptor, CPython bug 75114), plus the three short lists a pass walks
 * besides the selector's ready keys: dispatchers waiting for their first interest computation,
 * channels that cannot be selected (files, always ready), and dispatchers whose transport holds
 * input the socket will not signal again. Loop thread only; {@link #size()} any thread.
 */
final class SocketMap {

	private final Set<Dispatcher> map = new LinkedHashSet<>();

	private final List<Dispatcher> alwaysReady = new ArrayList<>();

	private final List<Dispatcher> pendingActivation = new ArrayList<>();

	private List<Dispatcher> readyAgain = new ArrayList<>();

	private List<Dispatcher> readyAgainSpare = new ArrayList<>();

	private volatile int size;

	void add(Dispatcher dispatcher, boolean selectable) {
		if (this.map.add(dispatcher)) {
			this.size = this.map.size();
			if (selectable) {
				this.pendingActivation.add(dispatcher);
			}
			else {
				this.alwaysReady.add(dispatcher);
			}
		}
	}

	void remove(Dispatcher dispatcher) {
		if (this.map.remove(dispatcher)) {
			this.size = this.map.size();
			this.alwaysReady.remove(dispatcher);
		}
	}

	/** Dispatchers in the map; any thread. */
	int size() {
		return this.size;
	}

	/** Calls {@code action} for every dispatcher; {@code action} must not add or remove any. */
	void forEach(java.util.function.Consumer<Dispatcher> action) {
		this.map.forEach(action);
	}

	List<Dispatcher> copy() {
		return List.copyOf(this.map);
	}

	/** Closes every dispatcher, as asyncore's {@code close_all}. */
	void closeAll() {
		for (Dispatcher dispatcher : this.map.toArray(new Dispatcher[0])) {
			Dispatcher.closeQuietly(dispatcher::close);
		}
		this.alwaysReady.clear();
	}

	/**
	 * Computes the first interest of dispatchers added since the last pass: here, not in the Dispatcher
	 * constructor, so that readable() and writable() of a subclass never run before its own fields
	 * are initialised.
	 */
	void activatePending() {
		if (this.pendingActivation.isEmpty()) {
			return;
		}
		for (int i = 0; i < this.pendingActivation.size(); i++) {
			EventDelivery.deliverActivation(this.pendingActivation.get(i));
		}
		this.pendingActivation.clear();
	}

	/** Whether the pass must not block: a transport holds input, or a file has work. */
	boolean hasImmediateWork() {
		return !this.readyAgain.isEmpty() || alwaysReadyWantsIo();
	}

	private boolean alwaysReadyWantsIo() {
		for (int i = 0; i < this.alwaysReady.size(); i++) {
			Dispatcher dispatcher = this.alwaysReady.get(i);
			try {
				if ((!dispatcher.isInputShutdown() && dispatcher.readable()) || dispatcher.writable()) {
					return true;
				}
			}
			catch (RuntimeException ex) {
				// Asked again inside the hook guard of this pass, where the failure reaches handleError.
				return true;
			}
		}
		return false;
	}

	/** A layered transport holds input the selector will not report: read it on the next pass. */
	void readyAgain(Dispatcher dispatcher) {
		this.readyAgain.add(dispatcher);
	}

	void runReadyAgain() {
		if (this.readyAgain.isEmpty()) {
			return;
		}
		List<Dispatcher> due = this.readyAgain;
		this.readyAgain = this.readyAgainSpare;
		for (int i = 0; i < due.size(); i++) {
			EventDelivery.deliverReadiness(due.get(i), SelectionKey.OP_READ);
		}
		due.clear();
		this.readyAgainSpare = due;
	}

	/** A FileChannel cannot be selected: it is always ready, and gets one chunk per pass. */
	void runAlwaysReady() {
		if (this.alwaysReady.isEmpty()) {
			return;
		}
		for (Dispatcher dispatcher : this.alwaysReady.toArray(new Dispatcher[0])) {
			EventDelivery.deliverAlwaysReady(dispatcher);
		}
	}

}
