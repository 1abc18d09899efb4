package dev.asyncore.probe.http;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.probe.ProbeMemory;
import dev.asyncore.probe.http.HttpBodyIT.Probe;
import dev.asyncore.support.ReactorThread;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A loop with an http prober on it (private networks allowed) and the loopback {@link Origin} a test
 * serves, for {@code @RegisterExtension}: after each test both stop and the loop must have seen no failure.
 */
final class ProbeFixture implements AfterEachCallback, AutoCloseable {

	private final ReactorThread loop;

	private final String modules;

	private Origin origin;

	/** @param modules the module file {@link #probe(String, String)} reads */
	ProbeFixture(String name, String modules) {
		this.loop = new ReactorThread(name);
		this.modules = modules;
	}

	/** Serves {@code reply} on a new origin, the one {@link #origin()} returns. */
	Origin serve(Origin.Reply reply) throws IOException {
		this.origin = new Origin(reply);
		return this.origin;
	}

	Origin origin() {
		return this.origin;
	}

	/** One probe of {@code target} with {@code module} of the fixture's module file. */
	Probe probe(String module, String target) throws Exception {
		return probe(this.modules, module, null, target);
	}

	/** One probe of {@code target} with {@code module} of {@code modules}, relative files under {@code base}. */
	Probe probe(String modules, String module, Path base, String target) throws Exception {
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).build();
		HttpProber prober = this.loop.call(() -> new HttpProber(Fetcher.builder(this.loop.reactor()).policy(policy).build(),
				policy, InetAddress::getAllByName, new ProbeMemory(64L << 20)));
		return HttpBodyIT.probe(prober, modules, module, base, target);
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		close();
	}

	@Override
	public void close() throws Exception {
		if (this.origin != null) {
			this.origin.close();
		}
		this.loop.close();
		assertThat(this.loop.failure()).isNull();
	}

}
