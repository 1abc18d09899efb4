package dev.asyncore.boot.blackbox;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP reloads the module file, as it does blackbox_exporter's ({@code ExecReload=/bin/kill -HUP
 * $MAINPID}), instead of the JVM's default of exiting. A file that is invalid keeps the old modules
 * and sets the reload metric to 0, as {@code POST /-/reload} does. Closing puts the previous handler
 * back. The handler runs on the JVM's signal thread and only queues the reload.
 *
 * <p>{@code sun.misc.Signal} (module {@code jdk.unsupported}, in the image's runtime) is reached
 * reflectively: javac warns of every direct use of it, and the build treats warnings as errors.
 */
final class SighupReload implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SighupReload.class);

	private final Object hup;

	private final Object previous;

	SighupReload(BlackboxModules modules) {
		Object signal = null;
		Object installed = null;
		try {
			Class<?> signalType = Class.forName("sun.misc.Signal");
			Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
			signal = signalType.getConstructor(String.class).newInstance("HUP");
			Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] { handlerType },
					(proxy, method, args) -> switch (method.getName()) {
						case "handle" -> {
							logger.info("SIGHUP: reloading the module file");
							modules.reload();
							yield null;
						}
						case "hashCode" -> System.identityHashCode(proxy);
						case "equals" -> proxy == args[0];
						default -> "SIGHUP: reload the module file";
					});
			installed = handle(signal, handler);
		}
		catch (ReflectiveOperationException | IllegalArgumentException ex) {
			// -Xrs, or a platform without SIGHUP: say so rather than fail startup
			Throwable cause = (ex instanceof InvocationTargetException ite) ? ite.getCause() : ex;
			logger.warn("SIGHUP cannot reload the module file here ({}); use POST /-/reload", cause.toString());
			signal = null;
		}
		this.hup = signal;
		this.previous = installed;
	}

	private static Object handle(Object signal, Object handler) throws ReflectiveOperationException {
		Method handle = signal.getClass().getMethod("handle", signal.getClass(), Class.forName("sun.misc.SignalHandler"));
		return handle.invoke(null, signal, handler);
	}

	@Override
	public void close() {
		if (this.hup != null && this.previous != null) {
			try {
				handle(this.hup, this.previous);
			}
			catch (ReflectiveOperationException ex) {
				logger.debug("Cannot restore the previous SIGHUP handler", ex);
			}
		}
	}

}
