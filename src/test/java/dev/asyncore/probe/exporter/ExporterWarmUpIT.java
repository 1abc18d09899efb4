package dev.asyncore.probe.exporter;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncore.core.Reactor;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.Prober;
import dev.asyncore.probe.ProberLookup;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.ProberContext;
import dev.asyncore.probe.probers.Probers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up runs each prober the module file uses once, over the exporter's own request path, on
 * a loop it makes and closes, against a port that refuses: every answer a failed probe, quickly, and
 * nothing left running.
 */
@Timeout(60)
class ExporterWarmUpIT {

	@TempDir
	Path dir;

	private final ExecutorService lookups = Executors.newFixedThreadPool(2);

	private final Map<Reactor, ProberLookup> loops = new ConcurrentHashMap<>();

	private final List<String> probed = new CopyOnWriteArrayList<>();

	@AfterEach
	void stopLookups() {
		this.lookups.shutdownNow();
	}

	private ModuleFile modules() throws Exception {
		return ModuleFile.parse("""
				modules:
				  file_not_there_yet:
				    prober: http
				    http:
				      bearer_token_file: missing-token
				  web:
				    prober: http
				    timeout: 5s
				  web_again:
				    prober: http
				  plain_tcp:
				    prober: tcp
				  ping:
				    prober: icmp
				  resolver:
				    prober: dns
				    dns:
				      query_name: example.org
				  datagram:
				    prober: udp
				    udp:
				      query_response:
				        - send: "hello"
				        - expect: "^never"
				  local:
				    prober: unix
				""", this.dir, Probers.standard().kinds());
	}

	/** The standard probers, allowed loopback, each call recorded by prober name. */
	private Function<Reactor, ProberLookup> probers() {
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		return reactor -> this.loops.computeIfAbsent(reactor, r -> {
			ProberLookup lookup = Probers.standard()
				.forLoop(new ProberContext(r, Fetcher.builder(r).policy(policy).build(), policy, InetAddress::getAllByName,
						this.lookups, new ProbeMemory(ProbeMemory.defaultMax())));
			return name -> {
				Prober<?> prober = lookup.prober(name);
				return (prober == null) ? null : recorded(name, prober);
			};
		});
	}

	private <O> Prober<O> recorded(String name, Prober<O> prober) {
		return (options, target, timeout, report, log, cancel) -> {
			this.probed.add(name + " " + target);
			return prober.run(options, target, timeout, report, log, cancel);
		};
	}

	/** Not icmp or unix, not a module whose file cannot be read yet, and the built-in defaults only after the file's. */
	@Test
	void warmsTheFirstModuleOfEachProberThatARefusingPortAnswers() throws Exception {
		assertThat(ExporterWarmUp.modulesToWarm(modules(), Set.of())).containsExactly(Map.entry("web", "http"),
				Map.entry("plain_tcp", "tcp"), Map.entry("resolver", "dns"), Map.entry("datagram", "udp"));
		// after a reload: the probers warmed before are left out
		assertThat(ExporterWarmUp.modulesToWarm(modules(), Set.of("http", "dns"))).containsExactly(
				Map.entry("plain_tcp", "tcp"), Map.entry("datagram", "udp"));
	}

	@Test
	void eachWarmedModuleRunsItsProberOverTheExporterPathAndFailsAtTheRefusingPort() throws Exception {
		ExporterWarmUp.Result result = ExporterWarmUp.run(modules(), Set.of(), probers(), Duration.ofSeconds(20));

		assertThat(result.answers()).containsOnlyKeys("web (http)", "plain_tcp (tcp)", "resolver (dns)", "datagram (udp)");
		assertThat(result.answers().values()).allSatisfy(line -> assertThat(line).isEqualTo("probe_success 0"));
		assertThat(this.probed).hasSize(4);
		assertThat(this.probed.get(0)).matches("http http://127\\.0\\.0\\.1:\\d+/");
		assertThat(this.probed.subList(1, 4)).allSatisfy(call -> assertThat(call).matches("(tcp|dns|udp) 127\\.0\\.0\\.1:\\d+"));
		// one refusing port for all of them, a port nothing else was given
		assertThat(this.probed.stream().map(call -> call.replaceAll(".*:(\\d+)/?$", "$1")).distinct()).hasSize(1);
		// refused, not left to the 2 s scrape timeout each
		assertThat(result.took()).isLessThan(Duration.ofSeconds(8));
	}

	@Test
	void itsLoopIsClosedAndItsThreadGoneWhenItReturns() throws Exception {
		ExporterWarmUp.run(modules(), Set.of(), probers(), Duration.ofSeconds(20));

		assertThat(this.loops).hasSize(1);
		Reactor loop = this.loops.keySet().iterator().next();
		assertThat(loop.isLooping()).isFalse();
		assertThat(loop.size()).isZero();
		assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread -> thread.getName().equals("blackbox-warm-up"));
	}

}
