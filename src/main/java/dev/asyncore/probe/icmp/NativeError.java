package dev.asyncore.probe.icmp;

import java.io.IOException;

/**
 * A failed C library call of the icmp prober: which call, and its {@code errno}. Its message reads as
 * Go words such errors ({@code "socket: operation not permitted"}), so the probe log matches
 * blackbox_exporter's.
 */
final class NativeError extends IOException {

	private static final long serialVersionUID = 1L;

	private final int errno;

	NativeError(String call, int errno) {
		super(call + ": " + Libc.describe(errno));
		this.errno = errno;
	}

	private NativeError(String message, Throwable cause) {
		super(message, cause);
		this.errno = -1;
	}

	/** A failure of the binding itself (a {@code Throwable} from a method handle), not of the call. */
	static NativeError unexpected(Throwable cause) {
		return new NativeError("native call failed: " + cause, cause);
	}

	/** The C {@code errno}, or -1 if the call never ran. */
	int errno() {
		return this.errno;
	}

}
