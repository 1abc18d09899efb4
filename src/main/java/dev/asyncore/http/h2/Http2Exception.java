package dev.asyncore.http.h2;

import java.io.IOException;

/**
 * An HTTP/2 failure: the peer broke RFC 9113 (a connection error, answered with GOAWAY, or a stream
 * error, answered with RST_STREAM), reset the stream, or went away before answering.
 */
public final class Http2Exception extends IOException {

	private static final long serialVersionUID = 1L;

	private final int errorCode;

	private final boolean sentByPeer;

	Http2Exception(int errorCode, boolean sentByPeer, String message) {
		super(message);
		this.errorCode = errorCode;
		this.sentByPeer = sentByPeer;
	}

	/** The RFC 9113 error code (section 7): ours for a violation we detected, the peer's for a reset or GOAWAY. */
	public int errorCode() {
		return this.errorCode;
	}

	/** Whether the peer ended the stream or the connection (RST_STREAM, GOAWAY) rather than us. */
	public boolean sentByPeer() {
		return this.sentByPeer;
	}

}
