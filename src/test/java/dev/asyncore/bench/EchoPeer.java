package dev.asyncore.bench;

import java.net.InetSocketAddress;
import java.util.List;

/** An echo server under test: ours or Netty's, started on a loopback port. */
interface EchoPeer extends AutoCloseable {

	String name();

	InetSocketAddress address();

	/** The threads that do the server's work, whose CPU time is measured. */
	List<Thread> serverThreads();

	/** Connections the server has open now; any thread. */
	long activeConnections();

	@Override
	void close() throws Exception;

}
