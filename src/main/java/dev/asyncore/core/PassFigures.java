package dev.asyncore.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A reactor's pass counters: passes run, time spent waiting in the selector and dispatching, when
 * the last pass ended. Written by the loop thread with opaque stores (a plain store on x86, no fence
 * per pass), read from any thread with opaque loads: readers see every value eventually, never a torn
 * one, and the figures may be from slightly different instants.
 */
final class PassFigures {

	private static final VarHandle ITERATIONS;

	private static final VarHandle SELECT_NANOS;

	private static final VarHandle DISPATCH_NANOS;

	private static final VarHandle LAST_PASS_NANOS;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			ITERATIONS = lookup.findVarHandle(PassFigures.class, "iterations", long.class);
			SELECT_NANOS = lookup.findVarHandle(PassFigures.class, "selectNanos", long.class);
			DISPATCH_NANOS = lookup.findVarHandle(PassFigures.class, "dispatchNanos", long.class);
			LAST_PASS_NANOS = lookup.findVarHandle(PassFigures.class, "lastPassNanos", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private long iterations;

	private long selectNanos;

	private long dispatchNanos;

	private long lastPassNanos = System.nanoTime();

	/** Start of the current pass; loop thread only. */
	private long passStart;

	/** A pass begins now. Loop thread. */
	long beginPass() {
		long start = System.nanoTime();
		this.passStart = start;
		ITERATIONS.setOpaque(this, this.iterations + 1);
		return start;
	}

	/** The pass that began at {@code start} and stopped waiting at {@code selected} ends now. Loop thread. */
	void endPass(long start, long selected) {
		long end = System.nanoTime();
		SELECT_NANOS.setOpaque(this, this.selectNanos + (selected - start));
		DISPATCH_NANOS.setOpaque(this, this.dispatchNanos + (end - selected));
		LAST_PASS_NANOS.setOpaque(this, end);
	}

	/** Start of the current pass. Loop thread. */
	long passStart() {
		return this.passStart;
	}

	long iterations() {
		return (long) ITERATIONS.getOpaque(this);
	}

	long selectNanos() {
		return (long) SELECT_NANOS.getOpaque(this);
	}

	long dispatchNanos() {
		return (long) DISPATCH_NANOS.getOpaque(this);
	}

	long lastPassNanos() {
		return (long) LAST_PASS_NANOS.getOpaque(this);
	}

}
