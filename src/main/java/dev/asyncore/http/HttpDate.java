package dev.asyncore.http;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP date header in epoch seconds, in the three forms Go's {@code http.ParseTime} reads (and so
 * blackbox_exporter's {@code probe_http_last_modified_timestamp_seconds}): RFC 9110's IMF-fixdate
 * ({@code Sun, 06 Nov 1994 08:49:37 GMT}), the obsolete RFC 850 form ({@code Sunday, 06-Nov-94
 * 08:49:37 GMT}) and C's asctime ({@code Sun Nov  6 08:49:37 1994}); and a cookie's {@code Expires}
 * as Go's {@code http.Cookie} reads it. Stateless; any thread.
 */
public final class HttpDate {

	/** No date: the header is in none of the three forms, or names a day that does not exist. */
	public static final long NONE = Long.MIN_VALUE;

	private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

	private static final String DAYS = "(?i:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";

	/** Go's {@code time.RFC850}: a two-digit year, 69 to 99 in the 1900s; any zone name is read as UTC, as Go reads an unknown one. */
	private static final Pattern RFC_850 = Pattern.compile("(?i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), "
			+ "(\\d\\d)-([A-Za-z]{3})-(\\d\\d) (\\d\\d?):(\\d\\d):(\\d\\d) [A-Z]{3,5}");

	/** Go's {@code time.ANSIC}: the day padded with a space, the year last. */
	private static final Pattern ASCTIME = Pattern.compile(DAYS + " ([A-Za-z]{3}) {1,2}(\\d\\d?) (\\d\\d?):(\\d\\d):(\\d\\d) (\\d{4})");

	private HttpDate() {
	}

	/** {@code value} in epoch seconds, or {@link #NONE}. */
	public static long parse(String value) {
		long seconds = imfFixdate(value);
		if (seconds != NONE) {
			return seconds;
		}
		Matcher m = RFC_850.matcher(value);
		if (m.matches()) {
			int yy = Integer.parseInt(m.group(3));
			return of(yy + ((yy >= 69) ? 1900 : 2000), m.group(2), m.group(1), m.group(4), m.group(5), m.group(6));
		}
		m = ASCTIME.matcher(value);
		if (m.matches()) {
			return of(Integer.parseInt(m.group(6)), m.group(1), m.group(2), m.group(3), m.group(4), m.group(5));
		}
		return NONE;
	}

	/** Go's cookie {@code Expires}: time.RFC1123 or its dashed variant; any zone read as UTC. */
	private static final Pattern EXPIRES = Pattern.compile(
			"[A-Za-z]{3}, (\\d\\d)[ -]([A-Za-z]{3})[ -](\\d{4}) (\\d\\d):(\\d\\d):(\\d\\d) [A-Z]{3,5}");

	/** A cookie's {@code Expires} in epoch seconds, or {@link #NONE} (then Go keeps it as a session cookie). */
	static long cookieExpires(String value) {
		Matcher m = EXPIRES.matcher(value);
		return m.matches() ? of(Integer.parseInt(m.group(3)), m.group(2), m.group(1), m.group(4), m.group(5), m.group(6)) : NONE;
	}

	private static long of(int year, String monthName, String day, String hour, String minute, String second) {
		String name = monthName.substring(0, 1).toUpperCase(Locale.ROOT) + monthName.substring(1).toLowerCase(Locale.ROOT);
		int month = MONTHS.indexOf(name);
		int h = Integer.parseInt(hour);
		int min = Integer.parseInt(minute);
		int s = Integer.parseInt(second);
		if (month < 0 || month % 3 != 0 || h > 23 || min > 59 || s > 59) {
			return NONE;
		}
		try {
			return LocalDate.of(year, month / 3 + 1, Integer.parseInt(day)).toEpochDay() * 86_400L + h * 3600L + min * 60L + s;
		}
		catch (DateTimeException ex) {
			return NONE; // 31 Feb, say
		}
	}

	/**
	 * The date servers send (IMF-fixdate) in epoch seconds, read without a formatter; {@link #NONE}
	 * for any other form.
	 */
	public static long imfFixdate(String value) {
		if (value.length() != 29 || value.charAt(3) != ',' || value.charAt(4) != ' ' || value.charAt(7) != ' '
				|| value.charAt(11) != ' ' || value.charAt(16) != ' ' || value.charAt(19) != ':'
				|| value.charAt(22) != ':' || !value.endsWith(" GMT")) {
			return NONE;
		}
		int month = MONTHS.indexOf(value.substring(8, 11));
		int day = digits(value, 5, 2);
		int year = digits(value, 12, 4);
		int hour = digits(value, 17, 2);
		int minute = digits(value, 20, 2);
		int second = digits(value, 23, 2);
		if (month < 0 || month % 3 != 0 || day < 1 || year < 0 || (hour | minute | second) < 0 || hour > 23
				|| minute > 59 || second > 59) {
			return NONE;
		}
		try {
			return LocalDate.of(year, month / 3 + 1, day).toEpochDay() * 86_400L + hour * 3600L
					+ minute * 60L + second;
		}
		catch (DateTimeException ex) {
			return NONE;
		}
	}

	private static int digits(String value, int from, int count) {
		int n = 0;
		for (int i = from; i < from + count; i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			n = n * 10 + (c - '0');
		}
		return n;
	}

}
