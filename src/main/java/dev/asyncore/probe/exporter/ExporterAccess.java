package dev.asyncore.probe.exporter;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Whether the exporter may answer a request: the seam where the service's credentials check sits
 * (the exporter itself knows no tokens or users). Called on the loop thread of the connection that
 * asked, so it must not block: a check that costs real CPU (bcrypt) completes its future elsewhere,
 * and the exporter goes back to the loop before it probes.
 */
@FunctionalInterface
public interface ExporterAccess {

	/** Every request is answered: for a library user's own exporter, or one bound to loopback. */
	ExporterAccess OPEN = (request, client) -> CompletableFuture.completedFuture(null);

	/**
	 * @param request the parsed request
	 * @param client the peer's address, for back-off of failed logins per client; {@code null} if unknown
	 * @return completes with {@code null} when the request may be answered, or with the refusal
	 * (401 with challenges, 403, 429) to send instead; may complete on any thread
	 */
	CompletableFuture<ExporterResponse> check(ExporterRequest request, SocketAddress client);

}
