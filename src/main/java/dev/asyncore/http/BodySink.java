package dev.asyncore.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.asyncore.core.Dispatcher;

/**
 * Where a streamed response body goes (see {@link FetchOptions#sink(BodySink)}), so that a large
 * download needs no heap for the body; the {@link Fetcher} still counts it and computes its
 * SHA-256. Called on the loop thread only, and so must not block for long: a sink that writes
 * to a slow device should hand the bytes to another thread (and bound what it queues).
 * One sink serves one fetch; redirect responses never reach it.
 */
public interface BodySink {

	/** Body bytes: consume {@code data}'s remaining bytes now, the buffer is reused. */
	void write(ByteBuffer data) throws IOException;

	/** The body ended normally. */
	default void complete() throws IOException {
	}

	/** The fetch failed; release what the sink holds. Must not throw. */
	default void abort() {
	}

	/** A sink that drops the body (size and SHA-256 are still reported). */
	static BodySink discard() {
		return data -> data.position(data.limit());
	}

	/**
	 * Writes the body to {@code path} (created or truncated). The file is written on the loop
	 * thread: meant for a local disk.
	 */
	static BodySink toFile(Path path) {
		return new BodySink() {

			private FileChannel file;

			@Override
			public void write(ByteBuffer data) throws IOException {
				if (this.file == null) {
					this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
							StandardOpenOption.TRUNCATE_EXISTING);
				}
				while (data.hasRemaining()) {
					this.file.write(data);
				}
			}

			@Override
			public void complete() throws IOException {
				if (this.file == null) {
					this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
							StandardOpenOption.TRUNCATE_EXISTING);
				}
				this.file.close();
			}

			@Override
			public void abort() {
				Dispatcher.closeQuietly(this.file);
			}

		};
	}

}
