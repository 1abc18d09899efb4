package dev.asyncore.core;

/**
 * A dispatcher's {@link Lifecycle} and the questions asyncore asks of it ({@code connected},
 * {@code accepting}, {@code connecting}...), all answered from that one value. Written on the loop
 * thread only; the field is volatile so that {@link #isClosed()} and {@link #state()} are true on any
 * thread (a health check asks whether a listener is still open).
 */
abstract class LifecycleState extends Accounting {

	private volatile Lifecycle state = Lifecycle.NEW;

	LifecycleState(ListenerStats stats) {
		super(stats);
	}

	final Lifecycle lifecycle() {
		return this.state;
	}

	final void setLifecycle(Lifecycle state) {
		this.state = state;
	}

	/** The connection is established: it counts as one of its listener's active connections. */
	final void connected() {
		this.state = Lifecycle.CONNECTED;
		countOpened();
	}

	/** A reset or broken pipe was seen. */
	final void disconnected() {
		this.state = this.state.disconnected();
	}

	/** End of stream was read. */
	final void endOfInput() {
		this.state = this.state.endOfInput();
	}

	/** Whether the channel carries data: connected, and not closed (also inside handleConnect). */
	public boolean isConnected() {
		return this.state.isConnected();
	}

	/** Whether this is a listening socket. */
	public boolean isAccepting() {
		return this.state == Lifecycle.ACCEPTING;
	}

	/** Whether {@code connect} was called and the connection is not established yet. */
	public boolean isConnecting() {
		return this.state == Lifecycle.CONNECTING;
	}

	/** Whether {@code close()} ran. Any thread. */
	public boolean isClosed() {
		return this.state.isClosed();
	}

	/** Whether end of stream was read, or the connection broke: the peer will send nothing more. */
	public boolean isInputShutdown() {
		return this.state.isInputShutdown();
	}

	/** Whether the connection failed with a reset or broken pipe: nothing more can be written. */
	public boolean isBroken() {
		return this.state.isBroken();
	}

	/** Whether a lingering close is waiting for the peer to close. */
	public boolean isLingering() {
		return this.state == Lifecycle.LINGERING;
	}

	/**
	 * One word for the life-cycle state: idle, connecting, connected, input-shutdown, broken,
	 * accepting, lingering or closed. Any thread.
	 */
	public String state() {
		return this.state.word();
	}

}
