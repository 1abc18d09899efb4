package dev.asyncore.probe.http;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.asyncore.http.FetchOptions;
import dev.asyncore.http.FetchPolicy;
import dev.asyncore.http.Fetcher;
import dev.asyncore.http.HttpProxy;
import dev.asyncore.http.RequestOptions;
import dev.asyncore.probe.config.OAuth2Config;
import dev.asyncore.probe.config.Secret;
import dev.asyncore.probe.tls.TlsCapture;
import dev.asyncore.probe.tls.TlsMaterial;

/**
 * The {@code oauth2} client credentials grant, as Go's {@code clientcredentials} package makes it:
 * the token is requested from {@code token_url} with our own {@link Fetcher} (a form POST with
 * {@code grant_type=client_credentials}, the {@code scopes} and {@code endpoint_params}, the client's
 * id and secret as Basic credentials), kept per module configuration until {@code expires_in} less
 * ten seconds (Go's {@code expiryDelta}), then fetched again. As in Prometheus, the token request uses
 * the {@code oauth2} block's own {@code tls_config} and proxy options, never the module's: its
 * material on a connection of its own (never pooled, so no other request reuses its client
 * certificate), its proxy as the probe's proxy goes (absolute form for http, {@code CONNECT} for https,
 * {@code no_proxy}), each hop under the probe's {@link FetchPolicy}. Thread-safe.
 */
final class OAuth2Tokens {

	/** Go's oauth2 treats a token as expired this long before it does. */
	private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);

	private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static final Pattern TOKEN_TYPE = Pattern.compile("\"token_type\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static final Pattern EXPIRES_IN = Pattern.compile("\"expires_in\"\\s*:\\s*\"?(\\d+)");

	/** A token and when it stops being used (System.nanoTime), {@code Long.MAX_VALUE} for never. */
	private record Token(Secret value, long expiresAt) {
	}

	private final Fetcher fetcher;

	private final Map<OAuth2Config, Token> cache = new ConcurrentHashMap<>();

	OAuth2Tokens(Fetcher fetcher) {
		this.fetcher = fetcher;
	}

	/**
	 * The {@code Authorization} value for {@code config}: a kept token, or a new one.
	 * @param secret the client secret as read for this probe
	 * @param policy what the token request may reach (the probe's)
	 * @param material {@code config}'s {@code tls_config} loaded, or {@code null} for the fetcher's TLS context
	 * @param environment where {@code proxy_from_environment} reads its variables
	 * @return a future that fails with an {@link IllegalStateException} naming the token URL
	 */
	CompletableFuture<Secret> authorization(OAuth2Config config, Secret secret, FetchPolicy policy, TlsMaterial material,
			Map<String, String> environment) {
		Token kept = this.cache.get(config);
		if (kept != null && System.nanoTime() - kept.expiresAt() < 0) {
			return CompletableFuture.completedFuture(kept.value());
		}
		List<Map.Entry<String, String>> headers = List.of(
				Map.entry("Authorization", "Basic " + Base64.getEncoder().encodeToString(
						(form(config.clientId()) + ":" + form(secret.reveal())).getBytes(StandardCharsets.UTF_8))),
				Map.entry("Content-Type", "application/x-www-form-urlencoded"), Map.entry("Accept", "application/json"));
		HttpProxy proxy;
		try {
			proxy = ProbeProxy.of(config.proxy(), environment);
		}
		catch (IllegalArgumentException ex) { // a proxy variable of the environment that is no URL
			return CompletableFuture.failedFuture(new IllegalStateException(fails(config, ex.getMessage()), ex));
		}
		RequestOptions request;
		try {
			// with the block's own material, a connection of its own: never pooled, so nothing reuses its client certificate
			request = new RequestOptions("POST", headers, body(config),
					(material != null) ? material.contexts(new TlsCapture()) : null,
					(material != null) ? material.engineSetup() : null, config.tls().serverName(), null, material != null, null)
				.proxy(proxy);
		}
		catch (IllegalStateException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return this.fetcher.fetch(URI.create(config.tokenUrl()), FetchOptions.get().request(request).policy(policy))
			.handle((result, failure) -> {
				if (failure != null) {
					Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
					throw new IllegalStateException(fails(config, cause.getMessage()), cause);
				}
				String text = new String(result.body(), StandardCharsets.UTF_8);
				if (result.status() < 200 || result.status() > 299) {
					throw new IllegalStateException(fails(config, "status " + result.status() + " " + result.reason()));
				}
				Matcher access = ACCESS_TOKEN.matcher(text);
				if (!access.find() || access.group(1).isEmpty()) {
					throw new IllegalStateException(fails(config, "the response has no access_token"));
				}
				Matcher type = TOKEN_TYPE.matcher(text);
				String scheme = (!type.find() || type.group(1).equalsIgnoreCase("bearer") || type.group(1).isEmpty())
						? "Bearer" : type.group(1);
				Matcher expires = EXPIRES_IN.matcher(text);
				long expiresAt = Long.MAX_VALUE;
				if (expires.find() && expires.group(1).length() < 12) {
					expiresAt = System.nanoTime() + Duration.ofSeconds(Long.parseLong(expires.group(1))).minus(EXPIRY_MARGIN).toNanos();
				}
				Secret value = Secret.of(scheme + " " + access.group(1));
				this.cache.put(config, new Token(value, expiresAt));
				return value;
			});
	}

	private static String fails(OAuth2Config config, String why) {
		return "oauth2: cannot fetch token from " + config.tokenUrl() + ": " + why;
	}

	/** Go's form: {@code endpoint_params} may replace {@code grant_type}, never {@code scope}. */
	private static byte[] body(OAuth2Config config) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("grant_type", "client_credentials");
		if (!config.scopes().isEmpty()) {
			fields.put("scope", String.join(" ", config.scopes()));
		}
		config.endpointParams().forEach((name, value) -> {
			if (fields.containsKey(name) && !name.equals("grant_type")) {
				throw new IllegalStateException(fails(config, "oauth2: cannot overwrite parameter \"" + name + "\""));
			}
			fields.put(name, value);
		});
		List<String> form = new ArrayList<>();
		fields.forEach((name, value) -> form.add(form(name) + "=" + form(value)));
		return String.join("&", form).getBytes(StandardCharsets.UTF_8);
	}

	private static String form(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8);
	}

}
