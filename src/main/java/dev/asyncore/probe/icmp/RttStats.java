package dev.asyncore.probe.icmp;

/**
 * Round-trip times of one probe's replies: count, min, max, mean and population standard deviation
 * (Welford's running form, as ping and Grafana's agent report them), in seconds. Loop thread.
 */
final class RttStats {

	private int count;

	private double min = Double.POSITIVE_INFINITY;

	private double max;

	private double mean;

	private double squares;

	void add(double seconds) {
		this.count++;
		this.min = Math.min(this.min, seconds);
		this.max = Math.max(this.max, seconds);
		double delta = seconds - this.mean;
		this.mean += delta / this.count;
		this.squares += delta * (seconds - this.mean);
	}

	int count() {
		return this.count;
	}

	/** The smallest, or 0 with no reply. */
	double min() {
		return (this.count == 0) ? 0 : this.min;
	}

	double max() {
		return this.max;
	}

	double mean() {
		return this.mean;
	}

	double stddev() {
		return (this.count == 0) ? 0 : Math.sqrt(this.squares / this.count);
	}

}
