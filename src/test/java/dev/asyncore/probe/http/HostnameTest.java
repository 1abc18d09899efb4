package dev.asyncore.probe.http;

import org.junit.jupiter.api.Test;

import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.probers.Probers;

import static org.assertj.core.api.Assertions.assertThat;

/** blackbox_exporter's TLS server name of an http probe: server_name, else the Host header (hostname=), else the URL's host. */
class HostnameTest {

	private static HttpOptions options(String http, String hostname) {
		return ModuleFile.parse("modules:\n  m:\n    prober: http\n    http:\n" + http.indent(6), null, Probers.standard().kinds())
			.module("m")
			.withHostname(hostname)
			.options(HttpOptions.KIND);
	}

	@Test
	void theHostHeaderNamesTheServerUnlessServerNameIsSet() {
		assertThat(options("method: GET\n", null).serverName()).isNull();
		assertThat(options("method: GET\n", "vhost.example").serverName()).isEqualTo("vhost.example");
		assertThat(options("headers: {host: 'vhost.example:8443'}\n", null).serverName()).isEqualTo("vhost.example");
		assertThat(options("tls_config: {server_name: fixed.example}\n", "vhost.example").serverName())
			.isEqualTo("fixed.example");
	}

}
