package dev.asyncore.probe.toy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncore.core.ListenerStats;
import dev.asyncore.core.ServerDispatcher;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.ProberLookup;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.exporter.BlackboxExporter;
import dev.asyncore.probe.exporter.ExporterConnection;
import dev.asyncore.probe.probers.ProberContext;
import dev.asyncore.probe.probers.Probers;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * src/docs/blackbox.md's "Adding a prober": a prober is one table entry plus its package. The toy
 * prober of this package is added to a table built here and probed through a real exporter on
 * loopback; the module file, the exporter and the boot layer are used as they are.
 */
@Timeout(30)
class ToyProberIT {

	/** The one entry: the prober's kind and how it is made for a loop. */
	private static final Probers TABLE = Probers.standard().with(Probers.entry(ToyOptions.KIND, c -> new ToyProber(c.reactor())));

	private static final String MODULES = """
			modules:
			  toy_letters:
			    prober: toy
			    timeout: 2s
			    toy:
			      expect: "^[a-z]+$"
			""";

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final ExecutorService lookups = Executors.newSingleThreadExecutor();

	private ReactorThread loop;

	private int port;

	@BeforeEach
	void start() throws Exception {
		ModuleFile modules = ModuleFile.parse(MODULES, null, TABLE.kinds());
		this.loop = new ReactorThread("toy-it");
		this.port = this.loop.call(() -> {
			FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
			Fetcher fetcher = Fetcher.builder(this.loop.reactor()).policy(policy).build();
			ProberLookup probers = TABLE.forLoop(new ProberContext(this.loop.reactor(), fetcher, policy,
					InetAddress::getAllByName, this.lookups, new ProbeMemory(ProbeMemory.defaultMax())));
			BlackboxExporter exporter = new BlackboxExporter(() -> modules, (reactor) -> probers,
					() -> CompletableFuture.completedFuture(null), 8, Duration.ofMillis(500));
			ServerDispatcher server = new ServerDispatcher(this.loop.reactor(), new InetSocketAddress("127.0.0.1", 0),
					ServerDispatcher.Options.DEFAULTS, new ListenerStats("blackbox"),
					(reactor, channel, stats) -> new ExporterConnection(reactor, channel, exporter));
			return ((InetSocketAddress) server.localAddress()).getPort();
		});
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.loop.close();
		this.lookups.shutdownNow();
	}

	private String probe(String query) throws Exception {
		HttpResponse<String> response = this.client.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/probe?" + query)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body();
	}

	@Test
	void whenTheTableHasTheToyEntryThenItsModulesProbeThroughTheExporter() throws Exception {
		assertThat(probe("module=toy_letters&target=abc")).contains("probe_toy_target_length 3\n", "probe_success 1\n");
		assertThat(probe("module=toy_letters&target=abc1")).contains("probe_toy_target_length 4\n", "probe_success 0\n");
		assertThat(probe("module=toy_default&target=x")).as("the kind's default module")
			.contains("probe_toy_target_length 1\n", "probe_success 1\n");
		assertThat(probe("module=toy_letters&target=ab&debug=true")).contains("msg=\"Target matched\"",
				"Module configuration:\nprober: toy\n");
	}

	@Test
	void theModuleFileKnowsTheToyOnlyThroughTheTable() {
		assertThatThrownBy(() -> ModuleFile.parse(MODULES, null, Probers.standard().kinds()))
			.isInstanceOf(ModuleConfigException.class)
			.hasMessageContaining("unknown prober 'toy'");
		assertThatThrownBy(() -> ModuleFile.parse(MODULES.replace("expect:", "expcet:"), null, TABLE.kinds()))
			.hasMessage("modules.toy_letters.toy.expcet: unknown key");
		assertThat(ModuleFile.parse(MODULES, null, TABLE.kinds()).module("toy_letters").options(ToyOptions.KIND).expect()
			.pattern()).isEqualTo("^[a-z]+$");
	}

}
