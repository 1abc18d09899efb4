package dev.asyncore.http.h2;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.twitter.hpack.Decoder;

/**
 * Decodes a response header block with the connection's HPACK decoder and checks it (RFC 9113
 * section 8.3.2): {@code :status} (three digits) is the only pseudo-header and comes first, names
 * are lower case, connection-specific fields are absent.
 */
final class ResponseFields {

	/** A decoded block: {@code status} -1 when absent (trailers); {@code malformed} says what broke the rules. */
	record Block(int status, List<Map.Entry<String, String>> fields, String malformed) {
	}

	private final Decoder decoder;

	ResponseFields(int maxHeaderListSize) {
		this(maxHeaderListSize, 4096);
	}

	/** With a dynamic table of {@code tableSize} bytes (our SETTINGS_HEADER_TABLE_SIZE; 4096 unless a test says). */
	ResponseFields(int maxHeaderListSize, int tableSize) {
		this.decoder = new Decoder(maxHeaderListSize, tableSize);
	}

	/**
	 * The block's fields, or {@code null} when the decoded list is larger than the limit.
	 * @throws IOException when the block is not valid HPACK (a COMPRESSION_ERROR)
	 */
	Block decode(byte[] encoded) throws IOException {
		List<Map.Entry<String, String>> fields = new ArrayList<>();
		int[] status = { -1 };
		String[] malformed = { null };
		this.decoder.decode(new ByteArrayInputStream(encoded), (name, value, sensitive) -> {
			if (malformed[0] != null) {
				return;
			}
			String key = new String(name, StandardCharsets.ISO_8859_1);
			String text = new String(value, StandardCharsets.ISO_8859_1);
			if (key.startsWith(":")) {
				if (!key.equals(":status") || status[0] != -1 || !fields.isEmpty() || !isStatus(text)) {
					malformed[0] = "pseudo-header " + key + ": " + text;
				}
				else {
					status[0] = Integer.parseInt(text);
				}
			}
			else if (!isFieldName(key)) {
				malformed[0] = "field name '" + key + "'";
			}
			else {
				fields.add(Map.entry(key, text));
			}
		});
		if (this.decoder.endHeaderBlock()) {
			return null;
		}
		return new Block(status[0], fields, malformed[0]);
	}

	private static boolean isStatus(String text) {
		return text.length() == 3 && text.chars().allMatch(c -> c >= '0' && c <= '9') && text.charAt(0) != '0';
	}

	private static boolean isFieldName(String name) {
		return !name.isEmpty() && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && (c < 'A' || c > 'Z') && c != ':')
				&& !name.equals("connection") && !name.equals("transfer-encoding") && !name.equals("keep-alive");
	}

}
