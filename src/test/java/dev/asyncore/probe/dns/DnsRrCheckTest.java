package dev.asyncore.probe.dns;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;

import dev.asyncore.probe.ProbeLog;

import static org.assertj.core.api.Assertions.assertThat;

/** blackbox_exporter's {@code validRRs} and miekg/dns's record text, which its regular expressions see. */
class DnsRrCheckTest {

	private static final Name WWW = name("www.example.org.");

	private static final Record A1 = new ARecord(WWW, DClass.IN, 300, address("192.0.2.1"));

	private static final Record A2 = new ARecord(WWW, DClass.IN, 300, address("192.0.2.2"));

	private final ProbeLog log = new ProbeLog("m", "t");

	private static Name name(String text) {
		try {
			return Name.fromString(text);
		}
		catch (Exception ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	private static InetAddress address(String text) {
		try {
			return InetAddress.getByName(text);
		}
		catch (Exception ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	private static List<Pattern> re(String... patterns) {
		return Arrays.stream(patterns).map(Pattern::compile).toList();
	}

	@Test
	void whenRecordsAreWrittenThenTheyReadAsMiekgDnsWritesThem() {
		assertThat(DnsText.rr(A1)).isEqualTo("www.example.org.\t300\tIN\tA\t192.0.2.1");
		assertThat(DnsText.rr(new AAAARecord(WWW, DClass.IN, 60, address("2001:db8::1"))))
			.isEqualTo("www.example.org.\t60\tIN\tAAAA\t2001:db8::1");
		assertThat(DnsText.rr(new MXRecord(WWW, DClass.IN, 3600, 10, name("mail.example.org."))))
			.isEqualTo("www.example.org.\t3600\tIN\tMX\t10 mail.example.org.");
		assertThat(DnsText.rr(new CNAMERecord(WWW, DClass.IN, 5, name("web.example.org."))))
			.isEqualTo("www.example.org.\t5\tIN\tCNAME\tweb.example.org.");
		assertThat(DnsText.rr(new TXTRecord(WWW, DClass.IN, 5, List.of("v=spf1 -all", "say \"hi\""))))
			.isEqualTo("www.example.org.\t5\tIN\tTXT\t\"v=spf1 -all\" \"say \\\"hi\\\"\"");
		assertThat(DnsText.rr(new SOARecord(name("example.org."), DClass.IN, 3600, name("ns.example.org."),
				name("hostmaster.example.org."), 2024010101L, 7200, 900, 1209600, 300)))
			.isEqualTo("example.org.\t3600\tIN\tSOA\tns.example.org. hostmaster.example.org. 2024010101 7200 900 1209600 300");
		assertThat(DnsText.className(3)).isEqualTo("CH");
		assertThat(DnsText.className(42)).isEqualTo("CLASS42");
	}

	@Test
	void whenFailIfMatchesThenOneMatchingRecordFails() {
		DnsRrCheck check = new DnsRrCheck(re("192\\.0\\.2\\.2"), List.of(), List.of(), List.of());
		assertThat(check.validate(List.of(A1), this.log)).isTrue();
		assertThat(check.validate(List.of(A1, A2), this.log)).isFalse();
		assertThat(this.log.lines()).anyMatch(l -> l.contains("At least one RR matched regexp"));
	}

	@Test
	void whenFailIfNotMatchesThenEveryRecordMustMatchAndNoneIsAFailure() {
		DnsRrCheck check = new DnsRrCheck(List.of(), List.of(), re("^www\\.example\\.org\\.\t300\tIN\tA\t192\\.0\\.2\\.1$"), List.of());
		assertThat(check.validate(List.of(A1), this.log)).isTrue();
		assertThat(check.validate(List.of(A1, A2), this.log)).isFalse();
		assertThat(check.validate(List.of(), this.log)).isFalse();
		assertThat(this.log.lines()).anyMatch(l -> l.contains("fail_if_not_matches_regexp specified but no RRs returned"));
	}

	@Test
	void whenFailIfNoneMatchesThenOneMatchingRecordIsEnough() {
		DnsRrCheck check = new DnsRrCheck(List.of(), List.of(), List.of(), re("192\\.0\\.2\\.2"));
		assertThat(check.validate(List.of(A1, A2), this.log)).isTrue();
		assertThat(check.validate(List.of(A1), this.log)).isFalse();
		assertThat(check.validate(List.of(), this.log)).isFalse();
	}

	@Test
	void whenFailIfAllMatchThenItFailsUnlessAllMatchAsBlackboxDoes() {
		DnsRrCheck check = new DnsRrCheck(List.of(), re("192\\.0\\.2\\.1"), List.of(), List.of());
		assertThat(check.validate(List.of(A1), this.log)).isTrue();
		assertThat(check.validate(List.of(A1, A2), this.log)).isFalse();
		assertThat(check.validate(List.of(), this.log)).isTrue();
		assertThat(this.log.lines()).anyMatch(l -> l.contains("Not all RRs matched regexp"));
	}

	@Test
	void whenNoChecksThenAnythingPasses() {
		assertThat(DnsRrCheck.NONE.validate(List.of(), this.log)).isTrue();
		assertThat(DnsRrCheck.NONE.validate(List.of(A1, A2), this.log)).isTrue();
	}

}
