package dev.asyncore.boot.cli;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.asyncore.core.Reactor;
import dev.asyncore.echo.EchoClient;

/**
 * {@code echo-client HOST PORT TEXT}: sends TEXT to an echo server with {@link EchoClient}, prints
 * what came back to stdout, exits 0 if it is TEXT. The host is resolved before the loop starts (as
 * the seed's client does); the whole exchange is bounded by ten seconds. Main thread.
 */
final class EchoClientCommand {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private EchoClientCommand() {
	}

	static int run(String[] args, PrintStream out, PrintStream err) {
		if (args.length != 3) {
			err.println(Cli.USAGE);
			return 2;
		}
		int port;
		try {
			port = Integer.parseInt(args[1]);
		}
		catch (NumberFormatException ex) {
			err.println("echo-client: PORT must be a number, was '" + args[1] + "'");
			return 2;
		}
		InetSocketAddress server;
		try {
			server = new InetSocketAddress(InetAddress.getByName(args[0]), port);
		}
		catch (UnknownHostException | IllegalArgumentException ex) {
			err.println("echo-client: cannot resolve " + args[0] + ":" + port + ": " + ex.getMessage());
			return 1;
		}
		byte[] message = args[2].getBytes(StandardCharsets.UTF_8);
		Reactor reactor = new Reactor("echo-client");
		EchoClient client;
		try {
			client = new EchoClient(reactor, server, message);
		}
		catch (RuntimeException ex) {
			reactor.close();
			err.println("echo-client: " + ex.getMessage());
			return 1;
		}
		Thread loop = new Thread(() -> reactor.runUntilStopped(Duration.ofMillis(200)), "echo-client");
		loop.setDaemon(true);
		loop.start();
		try {
			byte[] echoed = client.result().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			out.println(new String(echoed, StandardCharsets.UTF_8));
			if (echoed.length != message.length) {
				err.println("echo-client: sent " + message.length + " bytes, got " + echoed.length + " back");
				return 1;
			}
			return 0;
		}
		catch (ExecutionException ex) {
			err.println("echo-client: " + server + ": " + ex.getCause().getMessage());
			return 1;
		}
		catch (TimeoutException ex) {
			err.println("echo-client: no complete echo from " + server + " within " + TIMEOUT.toSeconds() + "s");
			return 1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 1;
		}
		finally {
			reactor.stop();
		}
	}

}
