package dev.asyncore.probe;

/**
 * The probers of one loop, by prober name: what the exporter is handed to find a module's prober
 * (the table in {@code dev.asyncore.probe.probers} builds it). The prober found for a name takes
 * the options the module file's table reads for that name.
 */
@FunctionalInterface
public interface ProberLookup {

	/** The prober called {@code name} ({@code http}, ...) on this loop, or {@code null} if there is none. */
	Prober<?> prober(String name);

}
