package dev.asyncore.boot.fetch;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import dev.asyncore.http.BodySink;

/**
 * The body sink of {@code body=true}: keeps the first {@code cap} bytes for the JSON answer and
 * drops the rest, so a fetch holds at most {@code asyncore.fetch.max-inline-body} of heap however
 * large the body (the fetcher still counts and hashes all of it). Written on the loop thread; read
 * by others only after the fetch's future completed.
 */
final class InlineBody implements BodySink {

	private final int cap;

	private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

	private boolean truncated;

	InlineBody(long cap) {
		this.cap = (int) Math.min(cap, Integer.MAX_VALUE - 8);
	}

	@Override
	public void write(ByteBuffer data) {
		int room = this.cap - this.kept.size();
		int take = Math.min(room, data.remaining());
		if (take > 0) {
			byte[] chunk = new byte[take];
			data.get(chunk);
			this.kept.writeBytes(chunk);
		}
		if (data.hasRemaining()) {
			this.truncated = true;
			data.position(data.limit());
		}
	}

	/** The bytes kept: the whole body, or its first {@code cap} bytes if {@link #truncated()}. */
	byte[] bytes() {
		return this.kept.toByteArray();
	}

	boolean truncated() {
		return this.truncated;
	}

	@Override
	public String toString() {
		return "InlineBody[" + this.kept.size() + "/" + this.cap + (this.truncated ? ", truncated]" : "]");
	}

}
