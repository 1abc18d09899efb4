package dev.asyncore.core;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of {@link #CHUNK} bytes recycled by one reactor's dispatchers for queued output, so
 * that a busy stream neither allocates per write nor pays the JDK's heap-to-direct copy on every
 * write. At most {@link #MAX_RETAINED} idle chunks are kept. Loop thread only.
 */
final class ChunkPool {

	static final int CHUNK = 64 * 1024;

	static final int MAX_RETAINED = 64;

	private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

	ByteBuffer acquire() {
		ByteBuffer chunk = this.free.poll();
		return (chunk != null) ? chunk.clear() : ByteBuffer.allocateDirect(CHUNK);
	}

	void release(ByteBuffer chunk) {
		if (chunk.isDirect() && chunk.capacity() == CHUNK && !chunk.isReadOnly() && this.free.size() < MAX_RETAINED) {
			this.free.push(chunk);
		}
	}

	int retained() {
		return this.free.size();
	}

}
