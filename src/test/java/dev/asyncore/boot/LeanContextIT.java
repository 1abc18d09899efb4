package dev.asyncore.boot;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

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
 * application.yml excludes, and Bean Validation.
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

}
