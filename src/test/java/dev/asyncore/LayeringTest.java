package dev.asyncore;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The library packages stay a plain library: no Spring, no Micrometer (DESIGN.md, "Layers"). */
class LayeringTest {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.asyncore");

	@Test
	void libraryPackagesNeverDependOnSpringOrMicrometer() {
		noClasses().that()
			.resideInAnyPackage("dev.asyncore.core..", "dev.asyncore.file..", "dev.asyncore.chat..",
					"dev.asyncore.tls..", "dev.asyncore.echo..", "dev.asyncore.http..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "io.micrometer..", "dev.asyncore.boot..")
			.check(CLASSES);
	}

}
