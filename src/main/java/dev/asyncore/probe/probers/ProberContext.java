package dev.asyncore.probe.probers;

import java.util.concurrent.Executor;

import dev.asyncore.core.Reactor;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.http.Resolver;
import dev.asyncore.probe.ProbeMemory;

/**
 * What a prober of one loop is made from: the loop, its fetcher, the policy of what may be probed,
 * the name look-up, where look-ups run and the bound on what probes hold. Immutable.
 *
 * @param reactor the loop the probes run on
 * @param fetcher the loop's fetcher (the http prober's client)
 * @param policy which hosts, ports and address classes may be probed
 * @param resolver the name look-up (blocking)
 * @param lookups where {@code resolver} runs for the tcp and udp probers, never the loop thread
 * @param memory what probes may hold, shared by every loop's probers
 */
public record ProberContext(Reactor reactor, Fetcher fetcher, FetchPolicy policy, Resolver resolver, Executor lookups,
		ProbeMemory memory) {
}
