package dev.asyncore.boot.reactor;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.asyncore.core.Dispatcher;
import dev.asyncore.core.Reactor;

/**
 * The {@code reactor} Actuator endpoint: the reactor's figures, its listeners and its map, one entry
 * per dispatcher (at most {@link #MAX_LISTED}). Each map is read, and its descriptor records are
 * built, on its own loop thread, the only one allowed to read dispatchers; the HTTP thread only
 * joins the finished records.
 */
@Endpoint(id = "reactor")
public class ReactorEndpoint {

	/** Dispatchers listed at most; a map of 10,000 connections would make a 3 MB answer. */
	public static final int MAX_LISTED = 1000;

	private static final long ANSWER_TIMEOUT_MILLIS = 5_000;

	private final ReactorLifecycle lifecycle;

	public ReactorEndpoint(ReactorLifecycle lifecycle) {
		this.lifecycle = lifecycle;
	}

	@ReadOperation
	public ReactorDescriptor reactor() {
		Reactor reactor = this.lifecycle.reactor();
		List<Reactor> loops = this.lifecycle.reactors();
		Snapshot snapshot;
		try {
			List<ListenerState> listeners = this.lifecycle.listenerStates()
				.get(ANSWER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
			int mapSize = 0;
			List<DispatcherDescriptor> described = new ArrayList<>();
			for (Reactor loop : loops) {
				MapPart part = snapshot(loop, MAX_LISTED - described.size()).get(ANSWER_TIMEOUT_MILLIS,
						TimeUnit.MILLISECONDS);
				mapSize += part.size();
				described.addAll(part.dispatchers());
			}
			snapshot = new Snapshot(listeners, mapSize, described);
		}
		catch (RejectedExecutionException | ExecutionException | TimeoutException ex) {
			// A loop is gone or stuck: report its figures without a map (health says why).
			snapshot = new Snapshot(List.of(), totalSize(loops), List.of());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			snapshot = new Snapshot(List.of(), totalSize(loops), List.of());
		}
		return new ReactorDescriptor(reactor.name(), this.lifecycle.isRunning() && reactor.isLooping(), loops.size(),
				snapshot.mapSize(), reactor.iterations(), reactor.lastPassAge().toMillis(), snapshot.listeners(),
				snapshot.mapSize() > snapshot.dispatchers().size(), snapshot.dispatchers());
	}

	private static int totalSize(List<Reactor> loops) {
		return loops.stream().mapToInt(Reactor::size).sum();
	}

	/**
	 * The map of {@code loop} and the descriptors of its first {@code limit} dispatchers, both made on
	 * the loop thread; any thread may call this and read the result.
	 */
	static CompletableFuture<MapPart> snapshot(Reactor loop, int limit) {
		return loop.submit(() -> {
			List<Dispatcher> map = loop.dispatchers();
			return new MapPart(map.size(), describe(map, Math.max(0, limit)));
		});
	}

	/** Loop thread: reads every field of the dispatchers. */
	private static List<DispatcherDescriptor> describe(List<Dispatcher> dispatchers, int limit) {
		List<DispatcherDescriptor> described = new ArrayList<>(Math.min(dispatchers.size(), limit));
		for (Dispatcher d : dispatchers.subList(0, Math.min(dispatchers.size(), limit))) {
			String interest = d.interestString();
			described.add(new DispatcherDescriptor(d.getClass().getSimpleName(), d.stats().name(), d.state(),
					text(d.localAddress()), text(d.remoteAddress()), interest.contains("R") || interest.contains("A"),
					interest.contains("W"), interest, d.bytesReceived(), d.bytesSent(), d.age().toMillis()));
		}
		return described;
	}

	private static String text(SocketAddress address) {
		return HostPort.of(address);
	}

	/** One loop's map size and descriptors, made on that loop's thread. */
	record MapPart(int size, List<DispatcherDescriptor> dispatchers) {
	}

	private record Snapshot(List<ListenerState> listeners, int mapSize, List<DispatcherDescriptor> dispatchers) {
	}

	/**
	 * The reactor and its map.
	 *
	 * @param name the reactor name ({@code reactor} tag)
	 * @param looping whether the loop thread runs
	 * @param threads loop threads ({@code asyncore.reactor.threads}); the map lists all of them
	 * @param mapSize dispatchers in the maps
	 * @param iterations loop passes so far
	 * @param lastPassAgeMillis time since the last pass ended
	 * @param listeners configured listeners and their bound addresses
	 * @param truncated whether the map holds more dispatchers than are listed
	 * @param dispatchers the map, in registration order
	 */
	public record ReactorDescriptor(String name, boolean looping, int threads, int mapSize, long iterations,
			long lastPassAgeMillis, List<ListenerState> listeners, boolean truncated,
			List<DispatcherDescriptor> dispatchers) {
	}

	/**
	 * One dispatcher of the map.
	 *
	 * @param type its class
	 * @param listener the listener it counts in
	 * @param state idle, connecting, connected, input-shutdown, broken, accepting, lingering or closed
	 * @param localAddress its bound address
	 * @param remoteAddress its peer, if any
	 * @param readable whether the loop waits for input (or connections) from it
	 * @param writable whether the loop waits for output space
	 * @param interest the selection interest: {@code A}ccept, {@code C}onnect, {@code R}ead, {@code W}rite
	 * @param bytesReceived bytes read
	 * @param bytesSent bytes written
	 * @param ageMillis time since it was created
	 */
	public record DispatcherDescriptor(String type, String listener, String state, String localAddress,
			String remoteAddress, boolean readable, boolean writable, String interest, long bytesReceived,
			long bytesSent, long ageMillis) {
	}

}
