package dev.asyncore.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.asyncore.chat.Framer;

/**
 * Drives a {@link ResponseParser} through asynchat framing exactly as {@link HttpConnection} does,
 * from byte chunks instead of a socket.
 */
final class ParserHarness implements Framer.Handler, ResponseParser.Listener {

	/** What parsing a byte sequence gave: a comparable summary. */
	record Outcome(boolean done, int status, String headers, String body, int interim, String error) {
	}

	private final ResponseParser parser;

	private final Framer framer = new Framer(this);

	private final ByteArrayOutputStream body = new ByteArrayOutputStream();

	private ResponseHead head;

	ParserHarness(boolean headRequest, int maxHeaderBytes, long maxBodySize) {
		this.parser = new ResponseParser(maxHeaderBytes, maxBodySize);
		this.parser.start(headRequest, this);
		this.framer.setTerminator(this.parser.terminator());
	}

	@Override
	public void collectIncomingData(ByteBuffer data) throws IOException {
		this.parser.collectIncomingData(data);
	}

	@Override
	public void foundTerminator() throws IOException {
		this.parser.foundTerminator();
		this.framer.setTerminator(this.parser.terminator());
	}

	@Override
	public void onHead(ResponseHead response) {
		this.head = response;
	}

	@Override
	public void onBody(ByteBuffer data) {
		while (data.hasRemaining()) {
			this.body.write(data.get());
		}
	}

	/**
	 * Feeds {@code chunks}, then end of input if {@code eof}.
	 * @throws IllegalStateException never expected; any FetchException is reported in the outcome
	 */
	Outcome run(List<byte[]> chunks, boolean eof) {
		String error = null;
		try {
			for (byte[] chunk : chunks) {
				this.framer.feed(ByteBuffer.wrap(chunk));
			}
			if (eof) {
				this.parser.endOfInput();
			}
		}
		catch (FetchException ex) {
			error = ex.getClass().getSimpleName();
		}
		catch (IOException ex) {
			throw new IllegalStateException("untyped I/O error from the parser", ex);
		}
		return new Outcome(this.parser.isDone(), (this.head != null) ? this.head.status() : 0,
				(this.head != null) ? this.head.headers().map().toString() : "", this.body.toString(),
				this.parser.interimResponses(), error);
	}

	boolean keepAlive() {
		return this.parser.keepAlive();
	}

	static Outcome parse(byte[] response, int chunkSize, boolean eof) {
		ParserHarness harness = new ParserHarness(false, 8192, 1 << 20);
		List<byte[]> chunks = new ArrayList<>();
		for (int i = 0; i < response.length; i += chunkSize) {
			chunks.add(Arrays.copyOfRange(response, i, Math.min(response.length, i + chunkSize)));
		}
		return harness.run(chunks, eof);
	}

}
