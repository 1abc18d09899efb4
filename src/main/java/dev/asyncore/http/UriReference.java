package dev.asyncore.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a redirect's {@code Location} against the URL it came from by RFC 3986 §5.2, as Go's
 * {@code url.ResolveReference} and browsers do. {@link URI#resolve} follows RFC 2396 instead, where
 * {@code ?x=1} drops the base path's last segment and {@code ../../../g} keeps the {@code ..}.
 * Stateless; any thread.
 */
final class UriReference {

	/** RFC 3986 appendix B: scheme, authority, path, query and fragment of any reference. */
	private static final Pattern PARTS = Pattern.compile("^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\\?([^#]*))?(?:#(.*))?$",
			Pattern.DOTALL);

	private UriReference() {
	}

	/**
	 * The target URI of {@code reference} with {@code base} as its base URI (§5.2.2, strict: a
	 * reference with the base's scheme is not taken as relative).
	 * @throws URISyntaxException when the result is not a valid URI
	 */
	static URI resolve(URI base, String reference) throws URISyntaxException {
		Matcher r = PARTS.matcher(reference);
		if (!r.matches()) {
			throw new URISyntaxException(reference, "not a URI reference");
		}
		String scheme;
		String authority;
		String path;
		String query;
		String refPath = r.group(3);
		if (r.group(1) != null) {
			scheme = r.group(1);
			authority = r.group(2);
			path = removeDotSegments(refPath);
			query = r.group(4);
		}
		else {
			scheme = base.getScheme();
			if (r.group(2) != null) {
				authority = r.group(2);
				path = removeDotSegments(refPath);
				query = r.group(4);
			}
			else {
				authority = base.getRawAuthority();
				if (refPath.isEmpty()) {
					path = (base.getRawPath() != null) ? base.getRawPath() : "";
					query = (r.group(4) != null) ? r.group(4) : base.getRawQuery();
				}
				else {
					path = removeDotSegments(refPath.startsWith("/") ? refPath : merge(base, refPath));
					query = r.group(4);
				}
			}
		}
		StringBuilder target = new StringBuilder();
		if (scheme != null) {
			target.append(scheme).append(':');
		}
		if (authority != null) {
			target.append("//").append(authority);
		}
		target.append(path);
		if (query != null) {
			target.append('?').append(query);
		}
		if (r.group(5) != null) {
			target.append('#').append(r.group(5));
		}
		return new URI(target.toString());
	}

	/** Whether {@code reference} names a scheme (an absolute URI, in Go's {@code url.IsAbs} sense). */
	static boolean hasScheme(String reference) {
		Matcher r = PARTS.matcher(reference);
		return r.matches() && r.group(1) != null;
	}

	/** Whether {@code reference} names an authority (a scheme-relative {@code //host/path} or an absolute URI with one). */
	static boolean hasAuthority(String reference) {
		Matcher r = PARTS.matcher(reference);
		return r.matches() && r.group(2) != null;
	}

	/** §5.2.3: the reference's path appended to the base path without its last segment. */
	private static String merge(URI base, String refPath) {
		String basePath = (base.getRawPath() != null) ? base.getRawPath() : "";
		if (base.getRawAuthority() != null && basePath.isEmpty()) {
			return "/" + refPath;
		}
		return basePath.substring(0, basePath.lastIndexOf('/') + 1) + refPath;
	}

	/** §5.2.4: {@code .} and {@code ..} segments interpreted and removed. */
	static String removeDotSegments(String path) {
		StringBuilder input = new StringBuilder(path);
		StringBuilder output = new StringBuilder(path.length());
		while (!input.isEmpty()) {
			if (startsWith(input, "../")) {
				input.delete(0, 3);
			}
			else if (startsWith(input, "./") || startsWith(input, "/./")) {
				input.delete(0, 2);
			}
			else if (input.toString().equals("/.")) {
				input.replace(0, 2, "/");
			}
			else if (startsWith(input, "/../") || input.toString().equals("/..")) {
				input.replace(0, 3, "");
				if (input.isEmpty() || input.charAt(0) != '/') {
					input.insert(0, '/');
				}
				output.setLength(Math.max(0, output.lastIndexOf("/")));
			}
			else if (input.toString().equals(".") || input.toString().equals("..")) {
				input.setLength(0);
			}
			else {
				int next = input.indexOf("/", 1);
				int end = (next < 0) ? input.length() : next;
				output.append(input, 0, end);
				input.delete(0, end);
			}
		}
		return output.toString();
	}

	private static boolean startsWith(StringBuilder text, String prefix) {
		return text.length() >= prefix.length() && text.substring(0, prefix.length()).equals(prefix);
	}

}
