package dev.asyncore.http;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One fetch's cookies as Go's net/http/cookiejar keeps them (with its public suffix list's default rule). */
class CookieJarTest {

	private final CookieJar jar = new CookieJar();

	private void set(String host, String path, String... cookies) {
		this.jar.store(host, path, List.of(cookies));
	}

	@Test
	void aCookieWithoutDomainGoesBackToItsHostOnly() {
		set("www.example.org", "/", "a=1");
		assertThat(this.jar.header("www.example.org", "/", false)).isEqualTo("a=1");
		assertThat(this.jar.header("example.org", "/", false)).isNull();
		assertThat(this.jar.header("sub.www.example.org", "/", false)).isNull();
		assertThat(this.jar.header("other.example", "/", false)).isNull();
	}

	@Test
	void aDomainCookieGoesToTheDomainAndItsSubdomainsWhenTheHostMatchesIt() {
		set("www.example.org", "/", "a=1; Domain=.Example.org", "b=2; Domain=other.org", "c=3; Domain=www.example.org.");
		assertThat(this.jar.header("example.org", "/", false)).isEqualTo("a=1");
		assertThat(this.jar.header("x.y.example.org", "/", false)).isEqualTo("a=1");
		assertThat(this.jar.header("other.org", "/", false)).isNull();
		assertThat(this.jar.header("notexample.org", "/", false)).isNull();
	}

	@Test
	void aSingleLabelDomainIsAPublicSuffixAndAnAddressOnlyNamesItself() {
		set("localhost", "/", "a=1; Domain=localhost");
		set("www.example.com", "/", "b=2; Domain=com");
		set("127.0.0.1", "/", "c=3; Domain=127.0.0.1", "d=4; Domain=.127.0.0.1", "e=5; Domain=localhost");
		assertThat(this.jar.header("localhost", "/", false)).isEqualTo("a=1");
		assertThat(this.jar.header("sub.localhost", "/", false)).isNull();
		assertThat(this.jar.header("other.com", "/", false)).isNull();
		assertThat(this.jar.header("127.0.0.1", "/", false)).isEqualTo("c=3");
	}

	@Test
	void pathsMatchAsRfc6265WithTheRequestsDirectoryAsDefault() {
		set("h", "/d/page", "a=1", "b=2; Path=/x", "c=3; Path=relative");
		assertThat(this.jar.header("h", "/d", false)).isEqualTo("a=1; c=3");
		assertThat(this.jar.header("h", "/d/more", false)).isEqualTo("a=1; c=3");
		assertThat(this.jar.header("h", "/dx", false)).isNull();
		assertThat(this.jar.header("h", "/x/y", false)).isEqualTo("b=2");
		assertThat(this.jar.header("h", "/xy", false)).isNull();
		assertThat(this.jar.header("h", "/", false)).isNull();
	}

	@Test
	void longestPathFirstThenOldestAndAReplacedCookieKeepsItsPlace() {
		set("h", "/", "a=1", "b=2; Path=/p", "c=3");
		set("h", "/", "a=9");
		assertThat(this.jar.header("h", "/p/q", false)).isEqualTo("b=2; a=9; c=3");
	}

	@Test
	void secureCookiesOnlyOverHttps() {
		set("h", "/", "a=1; Secure", "b=2");
		assertThat(this.jar.header("h", "/", false)).isEqualTo("b=2");
		assertThat(this.jar.header("h", "/", true)).isEqualTo("a=1; b=2");
	}

	@Test
	void maxAgeZeroOrAPastExpiresRemovesAndMaxAgeWinsOverExpires() {
		set("h", "/", "a=1", "b=2", "c=3", "d=4");
		set("h", "/", "a=; Max-Age=0", "b=2; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "c=3; Max-Age=60; Expires=Thu, 01-Jan-1970 00:00:01 GMT",
				"e=5; Expires=Fri, 01 Jan 2100 00:00:00 GMT", "f=6; Max-Age=-1");
		assertThat(this.jar.header("h", "/", false)).isEqualTo("c=3; d=4; e=5");
	}

	@Test
	void badNamesAndValuesAreDroppedAndQuotesAsGoWritesThem() {
		set("h", "/", "no-equals", "=1", "bad name=1", "a=\"x y\"", "b=\"q\"", "c=semi\\colon", "d=ok; Path=/; HttpOnly; SameSite=Lax");
		assertThat(this.jar.header("h", "/", false)).isEqualTo("a=\"x y\"; b=q; d=ok");
		assertThat(this.jar).hasToString("CookieJar[3 cookies]");
	}

	@Test
	void aMultiLabelPublicSuffixIsAnOrdinaryDomain() {
		// a deliberate difference (no public suffix list): Go's jar with the list refuses Domain=co.uk
		set("a.example.co.uk", "/", "x=1; Domain=co.uk");
		assertThat(this.jar.header("b.co.uk", "/", false)).isEqualTo("x=1");
	}

}
