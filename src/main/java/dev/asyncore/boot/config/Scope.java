package dev.asyncore.boot.config;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a credential may call. Each scope is one Spring Security authority, {@code SCOPE_<name>}, as
 * for OAuth 2 scopes; a credential without a {@code scopes} list has all of them.
 */
public enum Scope {

	/** {@code GET/POST /fetch}: outbound fetches on the caller's behalf. */
	FETCH,

	/** {@code /probe}: blackbox_exporter-style probes of a target. */
	PROBE,

	/** The diagnostic Actuator endpoints ({@code reactor}, {@code probes}) and health details. */
	DIAGNOSTICS;

	/** Every scope: what a credential without a {@code scopes} list, or an anonymous caller of an open service, gets. */
	public static Set<Scope> all() {
		return EnumSet.allOf(Scope.class);
	}

	/** As written in configuration and in {@code WWW-Authenticate}: {@code fetch}, {@code probe}, {@code diagnostics}. */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The Spring Security authority that stands for this scope. */
	public String authority() {
		return "SCOPE_" + value();
	}

}
