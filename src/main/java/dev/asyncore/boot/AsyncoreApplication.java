package dev.asyncore.boot;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import dev.asyncore.examples.Examples;

/**
 * The service's entry point. Without arguments (or with Spring options) it starts the service;
 * {@code example NAME ARGS...} runs one of the seed's example programs without Spring.
 */
@SpringBootApplication
public class AsyncoreApplication {

	public static void main(String[] args) {
		if (args.length > 0 && "example".equals(args[0])) {
			System.exit(Examples.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
		}
		SpringApplication.run(AsyncoreApplication.class, args);
	}

}
