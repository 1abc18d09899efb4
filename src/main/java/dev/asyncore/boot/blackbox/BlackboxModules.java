package dev.asyncore.boot.blackbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.asyncore.boot.config.InvalidConfigurationException;
import dev.asyncore.probe.config.IoReason;
import dev.asyncore.probe.config.ModuleConfigException;
import dev.asyncore.probe.config.ModuleFile;
import dev.asyncore.probe.config.ProberKind;
import dev.asyncore.probe.probers.Probers;

/**
 * The current module file: read at startup (an invalid file fails startup, naming the key), read
 * again on {@code POST /-/reload}, SIGHUP and when its modification time changes; a new file that is
 * invalid is logged, the old modules stay and {@link #lastReloadSuccessful()} is {@code false} until
 * a good one is read. Each load logs "Loaded N modules" and a warning per module that cannot be
 * probed as it is. Reading happens on one daemon thread, never on the loop. Thread-safe.
 */
public final class BlackboxModules implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(BlackboxModules.class);

	private final Path file;

	private final List<ProberKind<?>> kinds = Probers.standard().kinds();

	private final ScheduledExecutorService reader;

	private volatile ModuleFile current;

	private final List<Consumer<ModuleFile>> reloadListeners = new CopyOnWriteArrayList<>();

	private volatile FileTime seen;

	private volatile boolean lastReloadSuccessful = true;

	private volatile long lastSuccessMillis = System.currentTimeMillis();

	public BlackboxModules(String configFile, Duration checkInterval) {
		this.file = (configFile == null || configFile.isBlank()) ? null : Path.of(configFile);
		if (this.file == null) {
			this.current = ModuleFile.defaults(this.kinds);
			this.reader = null;
			logger.info("Loaded {} built-in modules ({}); no module file is configured", this.current.modules().size(),
					String.join(", ", this.current.modules().keySet()));
			return;
		}
		try {
			this.seen = modified();
			this.current = loaded(ModuleFile.read(this.file, this.kinds));
		}
		catch (IOException ex) {
			throw new InvalidConfigurationException("asyncore.blackbox.config-file",
					"cannot read '" + this.file + "': " + IoReason.of(ex));
		}
		catch (ModuleConfigException ex) {
			throw new InvalidConfigurationException("asyncore.blackbox.config-file", this.file + ": " + ex.getMessage());
		}
		this.reader = Executors.newSingleThreadScheduledExecutor(task -> {
			Thread thread = new Thread(task, "blackbox-config");
			thread.setDaemon(true);
			return thread;
		});
		if (!checkInterval.isZero()) {
			long millis = checkInterval.toMillis();
			this.reader.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
		}
	}

	public ModuleFile current() {
		return this.current;
	}

	/** Calls {@code listener} with each module file a reload loads, on the thread that read it. */
	public void onReload(Consumer<ModuleFile> listener) {
		this.reloadListeners.add(listener);
	}

	/** Re-reads the file off the caller's thread; completes with {@code null} or why the new file was refused. */
	public CompletableFuture<String> reload() {
		if (this.reader == null) {
			return CompletableFuture.completedFuture(null); // nothing to read: the defaults stay
		}
		return CompletableFuture.supplyAsync(this::reloadNow, this.reader);
	}

	private void reloadIfChanged() {
		try {
			FileTime now = modified();
			if (now != null && !now.equals(this.seen)) {
				reloadNow();
			}
		}
		catch (IOException ex) {
			logger.warn("Cannot check {} for changes: {}", this.file, ex.getMessage());
		}
	}

	private String reloadNow() {
		try {
			this.seen = modified();
			this.current = loaded(ModuleFile.read(this.file, this.kinds));
			this.lastReloadSuccessful = true;
			this.lastSuccessMillis = System.currentTimeMillis();
			for (Consumer<ModuleFile> listener : this.reloadListeners) {
				try {
					listener.accept(this.current);
				}
				catch (RuntimeException ex) {
					logger.warn("A listener of the reloaded modules failed: {}", ex.toString());
				}
			}
			return null;
		}
		catch (IOException | ModuleConfigException ex) {
			this.lastReloadSuccessful = false;
			logger.error("Keeping the previous modules: {} is invalid: {}", this.file, ex.getMessage());
			return ex.getMessage();
		}
	}

	/** Logs what was read: the count, and each module that cannot be probed as it is. */
	private ModuleFile loaded(ModuleFile modules) {
		logger.info("Loaded {} modules from {}", modules.modules().size(), this.file);
		modules.unavailable().forEach((name, why) -> logger.warn("Module {}: {}", name, why));
		return modules;
	}

	/** Whether the last load of the file succeeded (blackbox_exporter_config_last_reload_successful). */
	public boolean lastReloadSuccessful() {
		return this.lastReloadSuccessful;
	}

	/** When the file was last loaded successfully, in milliseconds since the epoch. */
	public long lastSuccessMillis() {
		return this.lastSuccessMillis;
	}

	private FileTime modified() throws IOException {
		return Files.getLastModifiedTime(this.file);
	}

	@Override
	public void close() {
		if (this.reader != null) {
			this.reader.shutdownNow();
		}
	}

}
