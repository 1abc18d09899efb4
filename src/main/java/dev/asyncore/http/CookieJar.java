package dev.asyncore.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The cookies of one fetch, kept across its redirects as Go's {@code net/http/cookiejar} keeps them
 * for blackbox_exporter (a new jar per probe): {@code Set-Cookie} of every response is stored, and
 * the matching cookies are sent on each following request. Host-only cookies without {@code Domain};
 * a {@code Domain} must domain-match the host and, for an IP address host, be that address; a
 * single-label domain ({@code localhost}, {@code com}) is a public suffix and so gives a host-only
 * cookie on that very host or none (there is no full public suffix list: {@code Domain=co.uk} is taken
 * as a domain). Path matching and the default path as RFC 6265; {@code Secure} ones only over https;
 * {@code Max-Age} before {@code Expires}, zero or past removes. Sent longest path first, then oldest.
 * Loop thread only (not thread-safe); never shared between fetches.
 */
public final class CookieJar {

	private record Entry(String name, String value, String domain, boolean hostOnly, String path, boolean secure,
			long expiresMillis, long created) {

		boolean matches(String host, String requestPath, boolean https) {
			boolean domainMatch = this.domain.equals(host) || (!this.hostOnly && host.endsWith("." + this.domain));
			return domainMatch && pathMatch(requestPath) && (https || !this.secure);
		}

		private boolean pathMatch(String requestPath) {
			return requestPath.equals(this.path) || (requestPath.startsWith(this.path)
					&& (this.path.endsWith("/") || requestPath.charAt(this.path.length()) == '/'));
		}

	}

	private static final long SESSION = Long.MAX_VALUE;

	private final Map<String, Entry> entries = new LinkedHashMap<>();

	private long created;

	/**
	 * Stores the {@code Set-Cookie} values of a response.
	 * @param host the request's host, lower case, without port or brackets
	 * @param requestPath the request's path ({@code /} if empty)
	 */
	public void store(String host, String requestPath, List<String> setCookies) {
		long now = System.currentTimeMillis();
		for (String line : setCookies) {
			String[] parts = line.strip().split(";", -1);
			int eq = parts[0].indexOf('=');
			if (eq < 0) {
				continue;
			}
			String name = parts[0].substring(0, eq).strip();
			String value = cookieValue(parts[0].substring(eq + 1).strip(), true);
			if (name.isEmpty() || !name.chars().allMatch(CookieJar::isTokenChar) || value == null) {
				continue;
			}
			String domain = "";
			String path = "";
			boolean secure = false;
			int maxAge = 0;
			long expires = 0;
			for (int i = 1; i < parts.length; i++) {
				String part = parts[i].strip();
				int at = part.indexOf('=');
				String attribute = ((at < 0) ? part : part.substring(0, at)).toLowerCase(Locale.ROOT);
				String attributeValue = cookieValue((at < 0) ? "" : part.substring(at + 1), false);
				if (attributeValue == null) {
					continue;
				}
				switch (attribute) {
					case "secure" -> secure = true;
					case "domain" -> domain = attributeValue;
					case "path" -> path = attributeValue;
					case "max-age" -> maxAge = maxAge(attributeValue, maxAge);
					case "expires" -> expires = expires(attributeValue);
					default -> {
						// HttpOnly, SameSite and unknown attributes change nothing a client sends
					}
				}
			}
			Scope scope = domainAndType(host, domain);
			if (scope == null) {
				continue;
			}
			String cookiePath = (path.isEmpty() || path.charAt(0) != '/') ? defaultPath(requestPath) : path;
			String id = scope.domain() + ";" + cookiePath + ";" + name;
			long expiresAt = (maxAge != 0) ? now + maxAge * 1000L : (expires != 0) ? expires : SESSION;
			if (maxAge < 0 || expiresAt <= now) {
				this.entries.remove(id);
				continue;
			}
			Entry old = this.entries.get(id);
			this.entries.put(id, new Entry(name, value, scope.domain(), scope.hostOnly(), cookiePath, secure, expiresAt,
					(old != null) ? old.created() : this.created++));
		}
	}

	/**
	 * The {@code Cookie} header value for a request, or {@code null} if no cookie matches.
	 * @param host the request's host, lower case, without port or brackets
	 */
	public String header(String host, String requestPath, boolean https) {
		long now = System.currentTimeMillis();
		String path = requestPath.isEmpty() ? "/" : requestPath;
		List<Entry> selected = new ArrayList<>();
		for (Iterator<Entry> it = this.entries.values().iterator(); it.hasNext();) {
			Entry entry = it.next();
			if (entry.expiresMillis() <= now) {
				it.remove();
			}
			else if (entry.matches(host, path, https)) {
				selected.add(entry);
			}
		}
		if (selected.isEmpty()) {
			return null;
		}
		selected.sort(Comparator.comparingInt((Entry e) -> -e.path().length()).thenComparingLong(Entry::created));
		return selected.stream()
			.map(e -> e.name() + "=" + ((e.value().indexOf(' ') >= 0 || e.value().indexOf(',') >= 0) ? '"' + e.value() + '"' : e.value()))
			.collect(Collectors.joining("; "));
	}

	/** Where a cookie goes: a domain, and whether to that host only. */
	private record Scope(String domain, boolean hostOnly) {
	}

	/** Go's jar.domainAndType: where a cookie goes, or {@code null} to drop it. */
	private static Scope domainAndType(String host, String domain) {
		if (domain.isEmpty()) {
			return new Scope(host, true);
		}
		if (host.indexOf(':') >= 0 || host.matches("[0-9.]+")) {
			return host.equals(domain) ? new Scope(host, true) : null; // no leading dot stripped for an address
		}
		String d = domain.startsWith(".") ? domain.substring(1) : domain;
		if (d.isEmpty() || d.startsWith(".") || d.endsWith(".") || !d.chars().allMatch(c -> c < 0x80)) {
			return null;
		}
		d = d.toLowerCase(Locale.ROOT);
		if (d.indexOf('.') < 0) { // a public suffix by the list's default rule
			return host.equals(d) ? new Scope(host, true) : null;
		}
		return (host.equals(d) || host.endsWith("." + d)) ? new Scope(d, false) : null;
	}

	/** RFC 6265 5.1.4: the request path up to its last slash, {@code /} at least. */
	private static String defaultPath(String requestPath) {
		int slash = requestPath.lastIndexOf('/');
		return (requestPath.isEmpty() || requestPath.charAt(0) != '/' || slash == 0) ? "/" : requestPath.substring(0, slash);
	}

	/** Go's parseCookieValue: quotes stripped (for a cookie's own value), {@code null} if a byte is not allowed. */
	private static String cookieValue(String raw, boolean allowQuotes) {
		String value = (allowQuotes && raw.length() > 1 && raw.startsWith("\"") && raw.endsWith("\""))
				? raw.substring(1, raw.length() - 1) : raw;
		boolean valid = value.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != ';' && c != '\\');
		return valid ? value : null;
	}

	/** Go's Max-Age: a number without a leading zero; zero or less removes the cookie (-1). */
	private static int maxAge(String value, int previous) {
		if (!value.matches("-?\\d{1,9}") || (value.startsWith("0") && !value.equals("0"))) {
			return previous;
		}
		int seconds = Integer.parseInt(value);
		return (seconds <= 0) ? -1 : seconds;
	}

	/** Epoch milliseconds of an {@code Expires} Go reads, else 0 (a session cookie). */
	private static long expires(String value) {
		long seconds = HttpDate.cookieExpires(value);
		return (seconds == HttpDate.NONE) ? 0 : (seconds == 0) ? 1 : seconds * 1000; // the epoch is long past, not "none"
	}

	private static boolean isTokenChar(int c) {
		return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
	}

	@Override
	public String toString() {
		return "CookieJar[" + this.entries.size() + " cookies]"; // values may be credentials: never shown
	}

}
