package dev.asyncore.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;

import dev.asyncore.core.ReactorGroup;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.FetchResult;
import dev.asyncore.http.Fetcher;

/** The three HTTP clients of the fetch benchmark, each with one I/O thread and 64 pooled connections. */
final class FetchClients {

	static final int POOL = 64;

	private FetchClients() {
	}

	private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	});

	/** Lower-case hex SHA-256: how the load verifies every body byte, the same work for each client. */
	static String sha256(byte[] body) {
		return HexFormat.of().formatHex(SHA256.get().digest(body));
	}

	/**
	 * A client under test: GET a URL, complete with the SHA-256 of the body. Ours reports the digest
	 * it computes while the body streams in (a feature of every fetch); the peers' bodies are hashed
	 * in their completion callbacks, so that all three do the same work per byte.
	 */
	interface Client extends AutoCloseable {

		String name();

		CompletableFuture<String> get(URI uri);

		@Override
		void close() throws Exception;

	}

	/** Ours: a {@link Fetcher} on one reactor thread, keep-alive pool of 64. */
	static Client asyncore() {
		ReactorGroup group = new ReactorGroup("fetch-bench", 1, Duration.ofSeconds(1));
		group.start();
		FetchPolicy policy = FetchPolicy.builder().allowPrivateNetworks(true).maxBodySize(4 * 1024 * 1024).build();
		Fetcher fetcher = Fetcher.builder(group.acceptor()).policy(policy).maxIdle(POOL, POOL).build();
		return new Client() {

			@Override
			public String name() {
				return "asyncore";
			}

			@Override
			public CompletableFuture<String> get(URI uri) {
				return fetcher.fetch(uri).thenApply(FetchResult::sha256);
			}

			@Override
			public void close() throws Exception {
				fetcher.close();
				group.close();
			}

		};
	}

	/** Apache HttpClient 5 async (httpcore5 I/O reactor): one I/O thread, pool of 64. */
	static Client apache() {
		CloseableHttpAsyncClient client = HttpAsyncClients.custom()
			.setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).setTcpNoDelay(true).build())
			.setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
				.setMaxConnTotal(POOL)
				.setMaxConnPerRoute(POOL)
				.build())
			.build();
		client.start();
		return new Client() {

			@Override
			public String name() {
				return "httpclient5";
			}

			@Override
			public CompletableFuture<String> get(URI uri) {
				CompletableFuture<String> future = new CompletableFuture<>();
				SimpleHttpRequest request = SimpleRequestBuilder.get(uri).build();
				client.execute(request, new FutureCallback<SimpleHttpResponse>() {

					@Override
					public void completed(SimpleHttpResponse response) {
						if (response.getCode() != 200) {
							future.completeExceptionally(new IOException("status " + response.getCode()));
						}
						else {
							future.complete(sha256(response.getBodyBytes()));
						}
					}

					@Override
					public void failed(Exception ex) {
						future.completeExceptionally(ex);
					}

					@Override
					public void cancelled() {
						future.cancel(false);
					}

				});
				return future;
			}

			@Override
			public void close() {
				client.close(CloseMode.GRACEFUL);
			}

		};
	}

	/** The JDK's java.net.http client on HTTP/1.1, its callbacks on one executor thread. */
	static Client jdk() {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
		return new Client() {

			@Override
			public String name() {
				return "jdk-httpclient";
			}

			@Override
			public CompletableFuture<String> get(URI uri) {
				return client.sendAsync(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray())
					.thenApply((response) -> {
						if (response.statusCode() != 200) {
							throw new IllegalStateException("status " + response.statusCode());
						}
						return sha256(response.body());
					});
			}

			@Override
			public void close() {
				executor.shutdownNow();
			}

		};
	}

}
