package dev.asyncore.boot;

import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.boot.tomcat.metrics.TomcatMetricsBinder;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the service leaves out to load fewer classes (each class loaded at start is kept in the
 * image's AOT cache and costs idle RSS; figures in src/docs/container.md): the auto-configurations
 * application.yml excludes, Bean Validation, and the Log4j API between commons-logging and SLF4J.
 */
@ServiceTest
class LeanContextIT {

	@Autowired
	private ApplicationContext context;

	@Test
	void whenTheServiceRunsThenTheExcludedAutoConfigurationsContributeNoBean() {
		assertThat(this.context.getBeanNamesForType(TomcatMetricsBinder.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(ObservationRegistry.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(ThreadPoolTaskExecutorBuilder.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(ThreadPoolTaskSchedulerBuilder.class)).isEmpty();
	}

	@Test
	void whenTheServiceRunsThenNoBeanValidationProviderIsOnTheClasspath() {
		assertThat(ClassUtils.isPresent("jakarta.validation.Validation", null)).isFalse();
		assertThat(ClassUtils.isPresent("org.hibernate.validator.HibernateValidator", null)).isFalse();
	}

	@Test
	void whenTheServiceRunsThenSpringLogsStraightToSlf4jWithoutTheLog4jApi() {
		assertThat(ClassUtils.isPresent("org.apache.logging.log4j.LogManager", null)).isFalse();
		assertThat(LoggerFactory.getLogger(LeanContextIT.class)).isInstanceOf(ch.qos.logback.classic.Logger.class);
		assertThat(LogFactory.getLog(LeanContextIT.class).getClass().getName()).contains("Slf4j");
	}

}
