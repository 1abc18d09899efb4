package dev.asyncore;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** chat, tls and http are library code: JDK, SLF4J, tls-channel and the layers above them only. */
class ChatTlsHttpLayeringTest {

	private static final JavaClasses LIBRARY = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.asyncore.chat", "dev.asyncore.tls", "dev.asyncore.http");

	@Test
	void chatDependsOnCoreOnly() {
		classes().that()
			.resideInAPackage("dev.asyncore.chat..")
			.should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage("java..", "javax..", "org.slf4j..", "dev.asyncore.core..", "dev.asyncore.chat..")
			.check(LIBRARY);
	}

	@Test
	void tlsDependsOnCoreAndTlsChannelOnly() {
		classes().that()
			.resideInAPackage("dev.asyncore.tls..")
			.should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage("java..", "javax..", "org.slf4j..", "tlschannel..", "dev.asyncore.core..",
					"dev.asyncore.tls..")
			.check(LIBRARY);
	}

	@Test
	void httpDependsOnCoreChatAndTlsOnly() {
		classes().that()
			.resideInAPackage("dev.asyncore.http..")
			.should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage("java..", "javax..", "org.slf4j..", "tlschannel..", "dev.asyncore.core..",
					"dev.asyncore.chat..", "dev.asyncore.tls..", "dev.asyncore.http..", "com.twitter.hpack..")
			.check(LIBRARY);
	}

}
