package dev.asyncore.probe.grpc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** gRPC status codes: their names, the code of a non-200 HTTP status, and {@code grpc-message} decoding. */
final class GrpcStatus {

	private static final List<String> NAMES = List.of("OK", "Canceled", "Unknown", "InvalidArgument",
			"DeadlineExceeded", "NotFound", "AlreadyExists", "PermissionDenied", "ResourceExhausted",
			"FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss",
			"Unauthenticated");

	private GrpcStatus() {
	}

	/** grpc-go's name of {@code code} ({@code NotFound}, {@code Unimplemented}...). */
	static String name(int code) {
		return (code >= 0 && code < NAMES.size()) ? NAMES.get(code) : "Code(" + code + ")";
	}

	/** The code of a response without grpc-status (the gRPC HTTP/2 protocol's mapping). */
	static int fromHttp(int status) {
		return switch (status) {
			case 400 -> 13;
			case 401 -> 16;
			case 403 -> 7;
			case 404 -> 12;
			case 429, 502, 503, 504 -> 14;
			default -> 2;
		};
	}

	/** {@code grpc-message} is percent-encoded UTF-8. */
	static String percentDecoded(String text) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '%' && i + 2 < text.length() && Character.digit(text.charAt(i + 1), 16) >= 0
					&& Character.digit(text.charAt(i + 2), 16) >= 0) {
				out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
				i += 2;
			}
			else {
				out.write(c);
			}
		}
		return out.toString(StandardCharsets.UTF_8);
	}

}
