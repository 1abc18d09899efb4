package dev.asyncore.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The service's entry point. Without arguments (or with Spring options) it starts the service;
 * {@code example NAME ARGS...} runs one of the seed's example programs without Spring.
 */
@SpringBootApplication
public class AsyncoreApplication {

	public static void main(String[] args) {
		SpringApplication.run(AsyncoreApplication.class, args);
	}

}
