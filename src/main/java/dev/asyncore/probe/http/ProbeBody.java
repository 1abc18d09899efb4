package dev.asyncore.probe.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import dev.asyncore.core.Reactor;
import dev.asyncore.http.BodySink;
import dev.asyncore.http.FetchException;
import dev.asyncore.http.ResponseHead;
import dev.asyncore.probe.ProbeMemory;

/**
 * Where an http probe's final response body goes, as blackbox_exporter reads it: through the
 * module's {@code compression} decoder if it has one ({@link BodyDecoder}), counted (the uncompressed
 * length), limited to {@code body_size_limit} after decoding, and kept ({@link KeptBody}) only when
 * {@code fail_if_body_*} will read it; everything held is reserved from the probe's
 * {@link ProbeMemory.Lease}. Also remembers the response's head, so that a body that fails still
 * reports what answered. Loop thread only; one per probe.
 */
final class ProbeBody implements BodySink {

	private final long limit;

	private final String limitName;

	private final KeptBody kept;

	private final BodyDecoder decoder;

	/** JSON parsed into maps, lists, strings and doubles takes a few times its text's size. */
	static final long JSON_BYTES_PER_BYTE = 4;

	private final ProbeMemory.Lease lease;

	private ResponseHead head;

	private long length;

	/**
	 * @param coding the module's {@code compression}, or {@code null} for none
	 * @param keep whether to keep the (decoded) body for the regular expressions
	 * @param limit the most (decoded) bytes read; more fail the probe
	 * @param limitName what sets {@code limit}, for the reason
	 */
	ProbeBody(BodyDecoder.Coding coding, boolean keep, long limit, String limitName, Reactor reactor,
			ProbeMemory.Lease lease) {
		this.limit = keep ? Math.min(limit, KeptBody.MAX_LENGTH) : limit;
		this.limitName = (this.limit < limit) ? "the largest body kept for matching" : limitName;
		this.kept = keep ? new KeptBody(lease) : null;
		this.lease = lease;
		this.decoder = (coding != null) ? new BodyDecoder(coding, this::take, reactor::execute, lease) : null;
	}

	@Override
	public void open(ResponseHead response, Flow flow) throws IOException {
		this.head = response;
		if (this.decoder != null) {
			this.decoder.open(flow);
		}
	}

	@Override
	public void write(ByteBuffer data) throws IOException {
		if (this.decoder != null) {
			this.decoder.write(data);
		}
		else {
			take(data);
		}
	}

	private void take(ByteBuffer data) throws FetchException {
		int n = data.remaining();
		if (this.length + n > this.limit) {
			this.length = this.limit; // as Go's MaxBytesReader: what was read up to the limit counts
			throw new FetchException.TooLarge("the " + ((this.decoder != null) ? "decoded " : "") + "body exceeds "
					+ this.limit + " bytes (" + this.limitName + ")");
		}
		this.length += n;
		if (this.kept == null) {
			data.position(data.limit());
			return;
		}
		try {
			this.kept.append(data);
		}
		catch (ProbeMemory.Refused ex) {
			throw new FetchException.TooLarge(ex.getMessage());
		}
	}

	@Override
	public void complete() throws IOException {
		if (this.decoder != null) {
			this.decoder.finish();
		}
	}

	@Override
	public void abort() {
		if (this.decoder != null) {
			this.decoder.end();
		}
	}

	/** The final response's head, or {@code null} if none came. */
	ResponseHead head() {
		return this.head;
	}

	/** Body bytes read after decoding (blackbox_exporter's uncompressed length). */
	long length() {
		return this.length;
	}

	/**
	 * The kept body's bytes, or {@code null} if the body is not kept; its parse is charged to the
	 * probe's memory at {@value #JSON_BYTES_PER_BYTE} bytes per body byte before it starts.
	 */
	InputStream json() throws ProbeMemory.Refused {
		if (this.kept == null) {
			return null;
		}
		this.lease.reserve(JSON_BYTES_PER_BYTE * this.kept.length(), "the body's JSON values for fail_if_body_json_*_cel");
		return this.kept.stream();
	}

	/** The kept body's text, or {@code null} if the body is not kept. */
	CharSequence text() throws ProbeMemory.Refused {
		return (this.kept != null) ? this.kept.text() : null;
	}

}
