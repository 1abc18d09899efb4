package dev.asyncore.probe.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a file could not be read, in words: {@code NoSuchFileException}'s message is only the path,
 * so {@code "cannot read 'x': " + ex.getMessage()} says the path twice and the reason never.
 */
public final class IoReason {

	private IoReason() {
	}

	/** {@code no such file}, {@code permission denied}, the file system's reason, else the message. */
	public static String of(IOException ex) {
		return switch (ex) {
			case NoSuchFileException _ -> "no such file";
			case AccessDeniedException _ -> "permission denied";
			case NotDirectoryException _ -> "not a directory";
			case FileSystemException other when other.getReason() != null -> other.getReason();
			default -> ex.getMessage();
		};
	}

}
