package dev.asyncore.core;

/**
 * Thrown from a hook to leave {@link Reactor#loop()} at once, as asyncore's {@code ExitNow}.
 *
 * <p>It is the only exception that is not routed to the dispatcher's {@code handleError}: the loop
 * rethrows it to its caller. The dispatcher that threw it stays in the map.
 */
public class ExitNow extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ExitNow() {
		super("ExitNow", null, false, false);
	}

	public ExitNow(String message) {
		super(message, null, false, false);
	}

}
