package dev.asyncore.file;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.Reactor;
import dev.asyncore.file.FileDispatcher.Mode;
import dev.asyncore.support.Bytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** asyncore's file_dispatcher on our loop: files (always ready) and pipes (selectable). */
@Timeout(30)
class FileDispatcherTest {

	@TempDir
	Path dir;

	@Test
	void whenReadingASmallFileThenEveryChunkArrivesWithinABoundedNumberOfPasses() throws IOException {
		byte[] content = Bytes.random(new Random(1), 1000);
		Path file = Files.write(this.dir.resolve("small.bin"), content);
		Reactor reactor = new Reactor();
		ByteArrayOutputStream read = new ByteArrayOutputStream();
		int[] chunks = new int[1];
		new FileDispatcher(reactor, FileDispatcher.open(file, Mode.READ), Mode.READ, 100) {

			@Override
			protected void handleChunk(ByteBuffer chunk) {
				chunks[0]++;
				assertThat(chunk.remaining()).isLessThanOrEqualTo(100);
				byte[] bytes = new byte[chunk.remaining()];
				chunk.get(bytes);
				read.writeBytes(bytes);
			}

		};
		reactor.loop();
		assertThat(read.toByteArray()).isEqualTo(content);
		assertThat(chunks[0]).isEqualTo(10);
		// one chunk per pass, plus the pass that sees end of file
		assertThat(reactor.iterations()).isEqualTo(11);
		assertThat(reactor.size()).isZero();
		reactor.close();
	}

	@Test
	void whenWritingAFileThenItIsWrittenOneChunkPerPassAndClosedWhenDone() throws IOException {
		byte[] content = Bytes.random(new Random(2), 10_000);
		Path file = this.dir.resolve("out.bin");
		Reactor reactor = new Reactor();
		FileDispatcher writer = new FileDispatcher(reactor, FileDispatcher.open(file, Mode.WRITE), Mode.WRITE, 4096);
		writer.write(ByteBuffer.wrap(content));
		writer.closeWhenDone();
		reactor.loop();
		assertThat(Files.readAllBytes(file)).isEqualTo(content);
		assertThat(reactor.iterations()).isEqualTo(3);
		reactor.close();
	}

	@Test
	void whenAPipeConnectsAWriterAndAReaderOnOneLoopThenTheBytesCross() throws IOException {
		byte[] content = Bytes.random(new Random(3), 300_000);
		Pipe pipe = Pipe.open();
		Reactor reactor = new Reactor();
		ByteArrayOutputStream read = new ByteArrayOutputStream();
		collect(reactor, pipe.source(), 8192, read);
		FileDispatcher writer = new FileDispatcher(reactor, pipe.sink(), Mode.WRITE, 8192);
		writer.write(ByteBuffer.wrap(content));
		writer.closeWhenDone();
		reactor.loop();
		assertThat(read.toByteArray()).isEqualTo(content);
		reactor.close();
	}

	@Test
	void whenWritingIsIdleThenTheLoopBlocksInsteadOfSpinning() throws IOException {
		Reactor reactor = new Reactor();
		FileDispatcher writer = new FileDispatcher(reactor, FileDispatcher.open(this.dir.resolve("idle"), Mode.WRITE),
				Mode.WRITE, 10);
		long start = System.nanoTime();
		reactor.loop(java.time.Duration.ofMillis(200), 1);
		assertThat(System.nanoTime() - start).as("the pass waited for its timeout").isGreaterThan(150_000_000L);
		writer.close();
		reactor.close();
	}

	@Test
	void whenReadableOfAFileDispatcherThrowsThenOnlyItClosesAndTheLoopGoesOn() throws IOException {
		byte[] content = Bytes.random(new Random(4), 1000);
		Path file = Files.write(this.dir.resolve("good.bin"), content);
		Reactor reactor = new Reactor();
		ByteArrayOutputStream read = new ByteArrayOutputStream();
		// The faulty one first: the loop asks it before any other whether it wants I/O.
		FileDispatcher faulty = new FileDispatcher(reactor, FileDispatcher.open(file, Mode.READ), Mode.READ, 100) {

			@Override
			public boolean readable() {
				throw new IllegalStateException("injected fault in readable()");
			}

		};
		collect(reactor, FileDispatcher.open(file, Mode.READ), 100, read);
		reactor.loop(); // returns once the map is empty; a fault escaping it would fail the test
		assertThat(faulty.isClosed()).isTrue();
		assertThat(faulty.stats().get(ListenerStats.Counter.ERRORS)).isEqualTo(1);
		assertThat(read.toByteArray()).isEqualTo(content);
		reactor.close();
	}

	@Test
	void whenChunkSizeIsInvalidThenConstructionFails() throws IOException {
		Reactor reactor = new Reactor();
		Path file = Files.write(this.dir.resolve("x"), new byte[1]);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new FileDispatcher(reactor, FileDispatcher.open(file, Mode.READ), Mode.READ, 0))
			.withMessageContaining("chunkSize");
		assertThat(reactor.size()).isZero();
		reactor.close();
	}

	/** A reading dispatcher that appends every chunk to {@code read}. */
	private static FileDispatcher collect(Reactor reactor, java.nio.channels.Channel channel, int chunkSize,
			ByteArrayOutputStream read) {
		return new FileDispatcher(reactor, channel, Mode.READ, chunkSize) {

			@Override
			protected void handleChunk(ByteBuffer chunk) {
				byte[] bytes = new byte[chunk.remaining()];
				chunk.get(bytes);
				read.writeBytes(bytes);
			}

		};
	}

}
