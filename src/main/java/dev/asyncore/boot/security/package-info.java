/**
 * Spring Security for the HTTP API and Actuator: hashed bearer tokens and bcrypt users with scopes,
 * exposure rules, rate and body limits, the probe listener's access check.
 * <p>
 * Depends on {@code boot.config}.
 */
package dev.asyncore.boot.security;
