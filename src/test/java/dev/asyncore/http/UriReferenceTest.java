package dev.asyncore.http;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A redirect's Location resolves by RFC 3986 §5.2 (its §5.4 examples), as Go's client resolves it. */
class UriReferenceTest {

	private static final URI BASE = URI.create("http://a/b/c/d;p?q");

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', value = {
			// §5.4.1 normal examples
			"g:h|g:h", "g|http://a/b/c/g", "./g|http://a/b/c/g", "g/|http://a/b/c/g/", "/g|http://a/g",
			"//g|http://g", "?y|http://a/b/c/d;p?y", "g?y|http://a/b/c/g?y", "#s|http://a/b/c/d;p?q#s",
			"g#s|http://a/b/c/g#s", "g?y#s|http://a/b/c/g?y#s", ";x|http://a/b/c/;x", "g;x|http://a/b/c/g;x",
			"g;x?y#s|http://a/b/c/g;x?y#s", "''|http://a/b/c/d;p?q", ".|http://a/b/c/", "./|http://a/b/c/",
			"..|http://a/b/", "../|http://a/b/", "../g|http://a/b/g", "../..|http://a/", "../../|http://a/",
			"../../g|http://a/g",
			// §5.4.2 abnormal examples
			"../../../g|http://a/g", "../../../../g|http://a/g", "/./g|http://a/g", "/../g|http://a/g",
			"g.|http://a/b/c/g.", ".g|http://a/b/c/.g", "g..|http://a/b/c/g..", "..g|http://a/b/c/..g",
			"./../g|http://a/b/g", "./g/.|http://a/b/c/g/", "g/./h|http://a/b/c/g/h", "g/../h|http://a/b/c/h",
			"g;x=1/./y|http://a/b/c/g;x=1/y", "g;x=1/../y|http://a/b/c/y", "g?y/./x|http://a/b/c/g?y/./x",
			"g?y/../x|http://a/b/c/g?y/../x", "g#s/./x|http://a/b/c/g#s/./x", "g#s/../x|http://a/b/c/g#s/../x",
			"http:g|http:g" })
	void resolvesAsRfc3986Section5Point4(String reference, String expected) throws Exception {
		assertThat(UriReference.resolve(BASE, reference)).hasToString(expected);
	}

	@ParameterizedTest(name = "{0} from {1} -> {2}")
	@CsvSource(delimiter = '|', value = {
			"?x=1|http://h:8080/dir/page|http://h:8080/dir/page?x=1",
			"?x=1|http://h/dir/page?old=2|http://h/dir/page?x=1",
			"../a|http://h/dir/sub/page|http://h/dir/a",
			"//other:81/p|https://h/dir/page|https://other:81/p",
			"#frag|http://h/dir/page?q=1|http://h/dir/page?q=1#frag",
			"next|http://h|http://h/next",
			"https://x/y/../z|http://h/|https://x/z" })
	void redirectShapesKeepWhatTheRfcKeeps(String reference, String base, String expected) throws Exception {
		assertThat(UriReference.resolve(URI.create(base), reference)).hasToString(expected);
	}

}
