package dev.asyncore.probe.dns;

import java.util.List;
import java.util.regex.Pattern;

import org.xbill.DNS.Record;

import dev.asyncore.probe.ProbeLog;
import dev.asyncore.probe.config.YamlSection;

/**
 * One of blackbox_exporter's {@code validate_*_rrs} sections: regular expressions matched (anywhere,
 * as Go's {@code regexp.MatchString}) against each record of a section in miekg/dns's text form
 * ({@link DnsText#rr}). Immutable; any thread.
 *
 * @param failIfMatches fail if any record matches any of these
 * @param failIfAllMatch despite the name, fail unless every record matches every one of these, as
 * blackbox_exporter does
 * @param failIfNotMatches fail if a record does not match one of these (or there is no record)
 * @param failIfNoneMatches fail if no record matches any of these (or there is no record)
 */
public record DnsRrCheck(List<Pattern> failIfMatches, List<Pattern> failIfAllMatch, List<Pattern> failIfNotMatches,
		List<Pattern> failIfNoneMatches) {

	/** No checks. */
	public static final DnsRrCheck NONE = new DnsRrCheck(List.of(), List.of(), List.of(), List.of());

	public DnsRrCheck {
		failIfMatches = List.copyOf(failIfMatches);
		failIfAllMatch = List.copyOf(failIfAllMatch);
		failIfNotMatches = List.copyOf(failIfNotMatches);
		failIfNoneMatches = List.copyOf(failIfNoneMatches);
	}

	static DnsRrCheck parse(YamlSection s) {
		DnsRrCheck check = new DnsRrCheck(s.regexps("fail_if_matches_regexp"), s.regexps("fail_if_all_match_regexp"),
				s.regexps("fail_if_not_matches_regexp"), s.regexps("fail_if_none_matches_regexp"));
		s.finish();
		return check;
	}

	/**
	 * blackbox_exporter's {@code validRRs}, with its log messages.
	 * @return whether {@code records} pass
	 */
	boolean validate(List<Record> records, ProbeLog log) {
		if (records.isEmpty() && !this.failIfNotMatches.isEmpty()) {
			log.error("fail_if_not_matches_regexp specified but no RRs returned");
			return false;
		}
		if (records.isEmpty() && !this.failIfNoneMatches.isEmpty()) {
			log.error("fail_if_none_matches_regexp specified but no RRs returned");
			return false;
		}
		boolean anyMatch = false;
		boolean allMatch = true;
		boolean none = this.failIfMatches.isEmpty() && this.failIfAllMatch.isEmpty() && this.failIfNotMatches.isEmpty()
				&& this.failIfNoneMatches.isEmpty();
		for (Record record : records) {
			if (none) {
				log.info("Validating RR", "rr", new Text(record)); // written only if the log is kept
				continue;
			}
			String text = DnsText.rr(record);
			log.info("Validating RR", "rr", text);
			for (Pattern re : this.failIfMatches) {
				if (re.matcher(text).find()) {
					log.error("At least one RR matched regexp", "regexp", re.pattern(), "rr", text);
					return false;
				}
			}
			for (Pattern re : this.failIfAllMatch) {
				allMatch &= re.matcher(text).find();
			}
			for (Pattern re : this.failIfNotMatches) {
				if (!re.matcher(text).find()) {
					log.error("At least one RR did not match regexp", "regexp", re.pattern(), "rr", text);
					return false;
				}
			}
			for (Pattern re : this.failIfNoneMatches) {
				anyMatch |= re.matcher(text).find();
			}
		}
		if (!this.failIfAllMatch.isEmpty() && !allMatch) {
			// As blackbox_exporter (0.23 and later): it fails when NOT every record matches, whatever the name says
			log.error("Not all RRs matched regexp");
			return false;
		}
		if (!this.failIfNoneMatches.isEmpty() && !anyMatch) {
			log.error("None of the RRs did matched any regexp");
			return false;
		}
		return true;
	}

	/** A record's text, made when something reads it. */
	private record Text(Record record) {

		@Override
		public String toString() {
			return DnsText.rr(this.record);
		}

	}

}
