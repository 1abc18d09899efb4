package dev.asyncore.boot;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * The whole service on a random HTTP port with the listeners of {@code application-it.yml}, all on
 * ephemeral ports. Test classes carrying it share one cached context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
// Only the classpath: ./config/application.yml (the container's configuration) must not leak in.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.config.location=classpath:/")
@ActiveProfiles("it")
@Timeout(60)
public @interface ServiceTest {

}
