package dev.asyncore.chat;

import java.io.IOException;

/**
 * More incoming data was collected than the configured maximum (see
 * {@link AsyncChat#setMaxIncoming(int)}); the unit is not buffered further. Raised on the loop
 * thread to {@code handleError}.
 */
public class TooLongFrameException extends IOException {

	private static final long serialVersionUID = 1L;

	public TooLongFrameException(String message) {
		super(message);
	}

}
