package dev.asyncore.boot.fetch;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.asyncore.boot.config.AsyncoreProperties;

/**
 * {@code GET /fetch?url=…[&body=true]} and {@code POST /fetch} with {@code {"urls": [...]}}. The
 * fetching runs on the reactor; this controller only starts it and renders the outcome
 * asynchronously (the request thread is released while the fetch runs). A failed single fetch is
 * a problem detail (see {@link FetchProblems}); a batch answers 200 with one outcome per URL in
 * input order.
 */
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@RestController
public class FetchController {

	private final FetchService service;

	private final int maxBatchSize;

	public FetchController(FetchService service, AsyncoreProperties properties) {
		this.service = service;
		this.maxBatchSize = properties.fetch().maxBatchSize();
	}

	@GetMapping(path = "/fetch", produces = MediaType.APPLICATION_JSON_VALUE)
	public CompletableFuture<FetchView> fetch(@RequestParam String url,
			@RequestParam(defaultValue = "false") boolean body) {
		return this.service.fetch(url, body).thenApply((fetched) -> FetchView.of(url, fetched));
	}

	@PostMapping(path = "/fetch", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	public CompletableFuture<BatchResponse> fetchAll(@RequestBody BatchRequest request) {
		List<String> urls = (request.urls() != null) ? request.urls() : List.of();
		if (urls.isEmpty() || urls.stream().anyMatch((url) -> url == null)) {
			throw new IllegalArgumentException("The request needs a non-empty list of URLs: {\"urls\": [\"https://...\"]}");
		}
		if (urls.size() > this.maxBatchSize) {
			throw new IllegalArgumentException("At most " + this.maxBatchSize
					+ " URLs per request (asyncore.fetch.max-batch-size), got " + urls.size());
		}
		boolean withBody = Boolean.TRUE.equals(request.body());
		return this.service.fetchAll(urls, withBody)
			.thenApply((outcomes) -> new BatchResponse(outcomes.stream().map(FetchController::item).toList()));
	}

	private static BatchItem item(FetchService.Outcome outcome) {
		if (outcome.fetched() != null) {
			return new BatchItem(outcome.url(), true, FetchView.of(outcome.url(), outcome.fetched()), null);
		}
		return new BatchItem(outcome.url(), false, null, FetchProblems.of(outcome.failure(), outcome.url()));
	}

	/**
	 * A batch.
	 *
	 * @param urls the URLs, fetched concurrently
	 * @param body whether each result carries its body, as {@code body=true} of {@code GET}
	 */
	public record BatchRequest(List<String> urls, Boolean body) {
	}

	/**
	 * The outcome of a batch, in input order.
	 *
	 * @param results one per requested URL
	 */
	public record BatchResponse(List<BatchItem> results) {
	}

	/**
	 * One URL of a batch: a result or a problem.
	 *
	 * @param url the URL as requested
	 * @param ok whether it was fetched (whatever its status code)
	 * @param result the result when {@code ok}
	 * @param problem the RFC 9457 problem when not
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record BatchItem(String url, boolean ok, FetchView result, ProblemDetail problem) {
	}

}
