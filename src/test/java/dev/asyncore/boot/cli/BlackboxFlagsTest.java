package dev.asyncore.boot.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** blackbox_exporter's command line, each flag in both of its parser's spellings, turned into settings. */
class BlackboxFlagsTest {

	@TempDir
	Path dir;

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			config.file        | blackbox.yml  | --asyncore.blackbox.config-file=blackbox.yml
			web.listen-address | :9115         | --asyncore.blackbox.listen-address=:9115
			timeout-offset     | 0.5           | --asyncore.blackbox.timeout-offset=500ms
			timeout-offset     | 2             | --asyncore.blackbox.timeout-offset=2000ms
			history.limit      | 250           | --asyncore.blackbox.history-limit=250
			log.level          | debug         | --logging.level.dev.asyncore=debug
			log.prober         | warn          | --asyncore.blackbox.log-prober=warn
			log.format         | json          | --logging.structured.format.console=logstash
			web.route-prefix   | /blackbox     | --asyncore.blackbox.route-prefix=/blackbox
			web.external-url   | http://p/bb/  | --asyncore.blackbox.external-url=http://p/bb/
			""")
	void eachFlagBecomesItsKeyInBothSpellings(String flag, String value, String expected) {
		assertThat(BlackboxFlags.parse(new String[] { "--" + flag + "=" + value }).springArgs()).containsExactly(expected);
		assertThat(BlackboxFlags.parse(new String[] { "--" + flag, value }).springArgs()).containsExactly(expected);
	}

	@Test
	void debiansDefaultsFileArgumentsAreUnderstood() {
		// /etc/default/prometheus-blackbox-exporter: ARGS="--config.file /etc/prometheus/blackbox.yml"
		BlackboxFlags flags = BlackboxFlags.parse("--config.file /etc/prometheus/blackbox.yml".split(" "));
		assertThat(flags.configFile()).isEqualTo("/etc/prometheus/blackbox.yml");
		assertThat(flags.springArgs()).containsExactly("--asyncore.blackbox.config-file=/etc/prometheus/blackbox.yml");
		assertThat(BlackboxFlags.present("--config.file /etc/prometheus/blackbox.yml".split(" "))).isTrue();
	}

	@Test
	void springArgumentsPassThroughAndRepeatedAddressesAreOneList() {
		BlackboxFlags flags = BlackboxFlags.parse(new String[] { "--server.port=0", "--web.listen-address=:9115",
				"--web.listen-address", "[::1]:9116", "--asyncore.reactor.threads=2" });
		assertThat(flags.springArgs()).containsExactly("--asyncore.blackbox.listen-address=:9115,[::1]:9116",
				"--server.port=0", "--asyncore.reactor.threads=2");
		assertThat(BlackboxFlags.present(new String[] { "--server.port=0" })).isFalse();
	}

	@Test
	void booleanFlagsTakeNoValueOrAnExplicitOne() {
		assertThat(BlackboxFlags.parse(new String[] { "--config.check" }).check()).isTrue();
		assertThat(BlackboxFlags.parse(new String[] { "--config.check=false" }).check()).isFalse();
		assertThat(BlackboxFlags.parse(new String[] { "--config.check", "--no-config.check" }).check()).isFalse();
		assertThat(BlackboxFlags.parse(new String[] { "--version" }).version()).isTrue();
		// a boolean flag does not swallow the argument after it
		assertThat(BlackboxFlags.parse(new String[] { "--config.check", "--config.file", "x.yml" }).configFile())
			.isEqualTo("x.yml");
	}

	@Test
	void badValuesAndFlagsThatCannotBeHonouredAreClearErrors() {
		assertThatThrownBy(() -> BlackboxFlags.parse(new String[] { "--config.file" }))
			.hasMessage("expected argument for flag --config.file");
		assertThatThrownBy(() -> BlackboxFlags.parse(new String[] { "--log.level=verbose" }))
			.hasMessageContaining("--log.level").hasMessageContaining("debug,info,warn,error");
		assertThatThrownBy(() -> BlackboxFlags.parse(new String[] { "--timeout-offset=-1" })).hasMessageContaining("--timeout-offset");
		assertThatThrownBy(() -> BlackboxFlags.parse(new String[] { "--history.limit", "many" })).hasMessageContaining("--history.limit");
		assertThatThrownBy(() -> BlackboxFlags.parse(new String[] { "--web.config.file=web.yml" }))
			.hasMessageContaining("--web.config.file is not supported").hasMessageContaining("asyncore.security.users");
		assertThatThrownBy(() -> BlackboxFlags.parse(new String[] { "--web.systemd-socket" }))
			.hasMessageContaining("--web.systemd-socket is not supported");
		assertThat(BlackboxFlags.parse(new String[] { "--log.format=logfmt" }).warnings()).singleElement()
			.asString().contains("logfmt");
	}

	@Test
	void configCheckSaysOkOrNamesTheKeyAndExitsWithoutStartingAnything() throws Exception {
		Path good = Files.writeString(this.dir.resolve("good.yml"), "modules:\n  socket:\n    prober: http\n    http: {enable_http3: true}\n  web:\n    prober: http\n");
		Path bad = Files.writeString(this.dir.resolve("bad.yml"), "modules:\n  web:\n    prober: http\n    http:\n      methd: GET\n");
		Run ok = run("--config.check", "--config.file", good.toString());
		assertThat(ok.code).isZero();
		assertThat(ok.out).contains("Config file is ok");
		assertThat(ok.err).contains("WARN module socket").contains("enable_http3");
		Run broken = run("--config.check", "--config.file=" + bad);
		assertThat(broken.code).isEqualTo(1);
		assertThat(broken.err).contains("modules.web.http.methd: unknown key");
		Run missing = run("--config.check", "--config.file=" + this.dir.resolve("none.yml"));
		assertThat(missing.code).isEqualTo(1);
		assertThat(missing.err).contains("none.yml").contains("no such file");
		Run usage = run("--log.level=loud");
		assertThat(usage.code).isEqualTo(2);
		assertThat(usage.err).contains("--log.level");
	}

	private record Run(int code, String out, String err) {
	}

	private static Run run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		AtomicInteger code = new AtomicInteger(-1);
		String[] spring = Cli.dropIn(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), code::set);
		assertThat(spring).as("the program exits instead of starting Spring").isNull();
		return new Run(code.get(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

}
