package dev.asyncore.boot.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.asyncore.core.Reactor;
import dev.asyncore.http.BodySink;
import dev.asyncore.http.FetchException;
import dev.asyncore.http.FetchOptions;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.FetchResult;
import dev.asyncore.http.Fetcher;

/**
 * {@code fetch [--head] [--output FILE] [--allow-private] URL...}: every URL fetched concurrently by
 * one {@link Fetcher} on one reactor (the seed's HTTP client, grown up). Each body streams to a
 * temporary file on the loop, so bodies of any size need no heap; once all are done they are
 * copied in argument order to stdout or FILE, and the heads are printed to stderr. A URL fails when
 * the fetch fails or its final status is 400 or above: one line on stderr says why. Main thread.
 */
final class FetchCommand {

	/** Generous limits for a download tool; the read timeout still catches a stalled server. */
	private static final long MAX_BODY = 64L << 30;

	private static final Duration TOTAL_TIMEOUT = Duration.ofMinutes(30);

	private final PrintStream out;

	private final PrintStream err;

	private boolean head;

	private boolean allowPrivate;

	private Path output;

	private final List<String> urls = new ArrayList<>();

	FetchCommand(PrintStream out, PrintStream err) {
		this.out = out;
		this.err = err;
	}

	int run(String[] args) {
		if (!parse(args)) {
			this.err.println(Cli.USAGE);
			return 2;
		}
		Reactor reactor = new Reactor("fetch-cli");
		Thread loop = new Thread(() -> reactor.runUntilStopped(Duration.ofMillis(200)), "fetch-cli");
		loop.setDaemon(true);
		loop.start();
		List<Download> downloads = new ArrayList<>();
		try (Fetcher fetcher = Fetcher.builder(reactor).policy(policy()).build()) {
			for (String url : this.urls) {
				downloads.add(start(fetcher, url));
			}
			for (Download download : downloads) {
				download.await();
			}
			return report(downloads);
		}
		finally {
			reactor.stop();
			downloads.forEach(Download::deleteTemporary);
		}
	}

	private boolean parse(String[] args) {
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--head", "-I" -> this.head = true;
				case "--allow-private" -> this.allowPrivate = true;
				case "--output", "-o" -> {
					if (++i == args.length) {
						return false;
					}
					this.output = Path.of(args[i]);
				}
				default -> {
					if (args[i].startsWith("-") && args[i].length() > 1) {
						this.err.println("fetch: unknown option " + args[i]);
						return false;
					}
					this.urls.add(args[i]);
				}
			}
		}
		return !this.urls.isEmpty();
	}

	private FetchPolicy policy() {
		return FetchPolicy.builder()
			.allowPrivateNetworks(this.allowPrivate)
			.privateNetworksSetting("--allow-private")
			.maxBodySize(MAX_BODY)
			.totalTimeout(TOTAL_TIMEOUT)
			.build();
	}

	private Download start(Fetcher fetcher, String url) {
		Download download = new Download(url);
		try {
			URI uri = FetchPolicy.parseUrl(url);
			FetchOptions options;
			if (this.head) {
				options = FetchOptions.head();
			}
			else {
				download.body = Files.createTempFile("asyncore-fetch", ".body");
				options = FetchOptions.get().sink(BodySink.toFile(download.body));
			}
			download.future = fetcher.fetch(uri, options);
		}
		catch (IOException ex) { // an InvalidUrl, or no temporary file
			download.future = CompletableFuture.failedFuture(ex);
		}
		return download;
	}

	/**
	 * Prints the heads and copies the bodies. With {@code -o FILE} the bodies go to a temporary file
	 * beside FILE, moved onto it only when every URL succeeded: a failed fetch leaves no FILE (nor
	 * an empty or partial one) and an existing FILE untouched.
	 */
	private int report(List<Download> downloads) {
		Path partial = null;
		try {
			if (this.output != null) {
				Path target = this.output.toAbsolutePath();
				partial = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
			}
			int failed = copy(downloads, partial);
			if (partial != null && failed == 0) {
				Files.move(partial, this.output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			return (failed == 0) ? 0 : 1;
		}
		catch (IOException ex) {
			this.err.println("fetch: cannot write the output: " + ex.getMessage());
			return 1;
		}
		finally {
			deleteQuietly(partial);
		}
	}

	/** Heads to stderr, bodies to {@code file} (or stdout); the number of URLs that failed. */
	private int copy(List<Download> downloads, Path file) throws IOException {
		int failed = 0;
		try (OutputStream bodies = (file != null) ? Files.newOutputStream(file) : null) {
			for (Download download : downloads) {
				if (download.failure != null) {
					failed++;
					this.err.println("fetch: " + download.url + ": " + oneLine(download.failure));
					continue;
				}
				FetchResult result = download.result;
				printHead(result);
				if (result.status() >= 400) {
					failed++;
					this.err.println("fetch: " + download.url + ": HTTP " + result.status() + " " + result.reason());
					continue;
				}
				if (download.body != null) {
					Files.copy(download.body, (bodies != null) ? bodies : this.out);
				}
			}
			this.out.flush();
		}
		return failed;
	}

	private void printHead(FetchResult result) {
		StringBuilder head = new StringBuilder();
		for (URI redirect : result.redirects()) {
			head.append("* redirected from ").append(redirect).append('\n');
		}
		head.append("* ").append(result.uri()).append(" (").append(result.remoteAddress()).append("): ")
			.append(result.bodySize()).append(" bytes, sha256 ").append(result.sha256()).append(", ")
			.append(result.timings().total().toMillis()).append(" ms\n");
		head.append(result.version()).append(' ').append(result.status()).append(' ').append(result.reason()).append('\n');
		result.headers().map().forEach((name, values) -> values
			.forEach((value) -> head.append(name).append(": ").append(value).append('\n')));
		this.err.println(head);
	}

	private static void deleteQuietly(Path file) {
		if (file == null) {
			return;
		}
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			System.err.println("fetch: cannot delete " + file + ": " + ex.getMessage());
		}
	}

	private static String oneLine(Throwable failure) {
		String message = String.valueOf(failure.getMessage()).replaceAll("\\s+", " ");
		return kind(failure) + ": " + message;
	}

	/** The failure's kind, in the words of the service's {@code outcome} tag: {@code refused}, {@code dns}... */
	private static String kind(Throwable failure) {
		if (failure instanceof FetchException fetch) {
			return fetch.kind().label();
		}
		return (failure instanceof RejectedExecutionException) ? "unavailable" : "error";
	}

	/** One URL on the command line and, once awaited, its outcome. */
	private static final class Download {

		final String url;

		CompletableFuture<FetchResult> future;

		Path body;

		FetchResult result;

		Throwable failure;

		Download(String url) {
			this.url = url;
		}

		void await() {
			try {
				this.result = this.future.get(TOTAL_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
			}
			catch (ExecutionException ex) {
				this.failure = ex.getCause();
			}
			catch (TimeoutException ex) {
				this.failure = ex;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.failure = ex;
			}
		}

		void deleteTemporary() {
			deleteQuietly(this.body);
		}

	}

}
