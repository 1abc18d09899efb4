package dev.asyncore.probe.probers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.asyncore.probe.Prober;
import dev.asyncore.probe.ProberLookup;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.dns.DnsOptions;
import dev.asyncore.probe.dns.DnsProber;
import dev.asyncore.probe.grpc.GrpcOptions;
import dev.asyncore.probe.grpc.GrpcProber;
import dev.asyncore.probe.http.HttpOptions;
import dev.asyncore.probe.http.HttpProber;
import dev.asyncore.probe.icmp.IcmpOptions;
import dev.asyncore.probe.icmp.IcmpProber;
import dev.asyncore.probe.tcp.TcpOptions;
import dev.asyncore.probe.tcp.TcpProber;
import dev.asyncore.probe.udp.UdpOptions;
import dev.asyncore.probe.udp.UdpProber;
import dev.asyncore.probe.unix.UnixOptions;
import dev.asyncore.probe.unix.UnixProber;
import dev.asyncore.probe.websocket.WebsocketOptions;
import dev.asyncore.probe.websocket.WebsocketProber;

/**
 * The one table from prober name to prober, as blackbox_exporter's {@code prober.Probers} map:
 * each entry pairs a prober's {@link ProberKind} (its name and how its section of the module file
 * reads) with how its prober is made for one loop. {@link ModuleFile} is given {@link #kinds()},
 * the exporter a {@link #forLoop lookup}; neither knows a prober. Adding a prober is one entry in
 * {@link #standard()} plus its package. Immutable; any thread.
 */
public final class Probers {

	private static final Probers STANDARD = of(
			entry(HttpOptions.KIND, c -> new HttpProber(c.fetcher(), c.policy(), c.resolver(), c.memory())),
			entry(TcpOptions.KIND, c -> new TcpProber(c.reactor(), c.resolver(), c.lookups(), c.policy(), c.memory())),
			entry(UdpOptions.KIND, c -> new UdpProber(c.reactor(), c.resolver(), c.lookups(), c.policy())),
			entry(DnsOptions.KIND, c -> new DnsProber(c.reactor(), c.policy(), c.resolver(), c.fetcher().resolverExecutor(),
					c.memory())),
			entry(IcmpOptions.KIND, c -> new IcmpProber(c.reactor(), c.resolver(), c.lookups(), c.policy())),
			entry(UnixOptions.KIND, c -> new UnixProber(c.reactor(), c.policy(), c.memory())),
			entry(GrpcOptions.KIND, c -> new GrpcProber(c.reactor(), c.resolver(), c.lookups(), c.policy(), c.memory())),
			entry(WebsocketOptions.KIND, c -> new WebsocketProber(c.reactor(), c.resolver(), c.lookups(), c.policy(), c.memory())));

	/**
	 * One prober: its kind and how it is made for a loop.
	 * @param kind the name and options of the prober
	 * @param factory makes the prober of one loop
	 * @param <O> the prober's options
	 */
	public record Entry<O>(ProberKind<O> kind, Function<ProberContext, ? extends Prober<O>> factory) {
	}

	private final List<Entry<?>> entries;

	private final List<ProberKind<?>> kinds;

	private Probers(List<Entry<?>> entries) {
		this.entries = List.copyOf(entries);
		List<ProberKind<?>> kinds = new ArrayList<>(entries.size());
		for (Entry<?> entry : entries) {
			kinds.add(entry.kind());
		}
		this.kinds = List.copyOf(kinds);
	}

	/** The service's probers: {@code http}, {@code tcp}, {@code udp}, {@code dns}, {@code icmp}, {@code unix}, {@code grpc} and {@code websocket}. */
	public static Probers standard() {
		return STANDARD;
	}

	/** The entry of a prober: its kind paired with its factory, which the compiler checks agree on the options. */
	public static <O> Entry<O> entry(ProberKind<O> kind, Function<ProberContext, ? extends Prober<O>> factory) {
		return new Entry<>(kind, factory);
	}

	/**
	 * A table of {@code entries}, in the order messages list them.
	 * @throws IllegalArgumentException if two have the same name
	 */
	public static Probers of(Entry<?>... entries) {
		Map<String, Entry<?>> byName = new HashMap<>();
		for (Entry<?> entry : entries) {
			if (byName.put(entry.kind().name(), entry) != null) {
				throw new IllegalArgumentException("two probers are called " + entry.kind().name());
			}
		}
		return new Probers(List.of(entries));
	}

	/** This table with {@code entry} added after the others. */
	public Probers with(Entry<?> entry) {
		List<Entry<?>> all = new ArrayList<>(this.entries);
		all.add(entry);
		return of(all.toArray(new Entry<?>[0]));
	}

	/** What {@link ModuleFile} reads: every prober's kind, in table order. */
	public List<ProberKind<?>> kinds() {
		return this.kinds;
	}

	/** Makes every prober for the loop of {@code context}; the lookup finds them by name. Any thread. */
	public ProberLookup forLoop(ProberContext context) {
		Map<String, Prober<?>> probers = new HashMap<>();
		for (Entry<?> entry : this.entries) {
			probers.put(entry.kind().name(), entry.factory().apply(context));
		}
		return probers::get;
	}

}
