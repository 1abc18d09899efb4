package dev.asyncore.boot.config;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Makes an unknown key under {@code asyncore} fail startup with a message that names it and the
 * closest known key ({@link KnownProperties}). Once {@link AsyncoreProperties} is bound, every
 * {@code asyncore.*} name of every property source is checked against the record structure, so a
 * key is known exactly when it is a record component. Keys of list items a higher source replaced
 * are still well-formed keys and pass. Environment variables are not checked: a variable such as
 * {@code ASYNCORE_ECHO_PORT} usually feeds a {@code ${...}} placeholder rather than naming a key.
 * Other {@code @ConfigurationProperties} (Spring Boot's own) are left alone.
 */
final class StrictBinding implements ConfigurationPropertiesBindHandlerAdvisor {

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(KnownProperties.PREFIX);

	@Override
	public BindHandler apply(BindHandler bindHandler) {
		return new AbstractBindHandler(bindHandler) {

			@Override
			public void onFinish(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
					Object result) throws Exception {
				if (ROOT.equals(name)) {
					KnownProperties.unknown(names(context)).ifPresent((failure) -> {
						throw failure;
					});
				}
				super.onFinish(name, target, context, result);
			}

		};
	}

	private static List<ConfigurationPropertyName> names(BindContext context) {
		List<ConfigurationPropertyName> names = new ArrayList<>();
		for (ConfigurationPropertySource source : context.getSources()) {
			if (source instanceof IterableConfigurationPropertySource iterable
					&& !(source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource)) {
				iterable.filter(ROOT::isAncestorOf).stream().forEach(names::add);
			}
		}
		return names;
	}

}
