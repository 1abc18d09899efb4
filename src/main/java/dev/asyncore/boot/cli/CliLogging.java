package dev.asyncore.boot.cli;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;

/**
 * Logging for the command line: without Spring, Logback's default writes DEBUG lines to stdout,
 * where the downloaded bodies go. This sends WARN and above to stderr instead. Main thread, once.
 */
final class CliLogging {

	private CliLogging() {
	}

	static void toStderr() {
		if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
			return; // another SLF4J binding: leave its configuration alone
		}
		context.reset();
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(context);
		encoder.setPattern("%level %logger{0}: %msg%n");
		encoder.start();
		ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ConsoleAppender<>();
		appender.setContext(context);
		appender.setTarget("System.err");
		appender.setEncoder(encoder);
		appender.start();
		Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		root.setLevel(Level.WARN);
		root.addAppender(appender);
	}

}
