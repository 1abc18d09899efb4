package dev.asyncore.boot;

/** Reading a failed startup. */
public final class Failures {

	private Failures() {
	}

	/** Every message in {@code failure}'s cause chain, one per line. */
	public static String messages(Throwable failure) {
		StringBuilder sb = new StringBuilder();
		for (Throwable t = failure; t != null; t = (t.getCause() == t) ? null : t.getCause()) {
			sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
		}
		return sb.toString();
	}

}
