/**
 * What every MVC endpoint shares: the problem-detail rendering of errors.
 * <p>
 * Depends on nothing else in {@code boot}.
 */
package dev.asyncore.boot.web;
