package dev.asyncore.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameContaining;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * DESIGN.md's layering: the library packages are plain JDK (+ SLF4J, tls-channel) and work with
 * {@code new Reactor()}; only {@code boot} may use Spring or Micrometer. Within {@code probe},
 * blackbox_exporter's shape: the SPI at the top, {@code config} (the module file) knowing no prober,
 * the exporter knowing only the SPI and {@code config}, and no cycle among the subpackages.
 */
class LayeringTest {

	private static final String[] LIBRARY = { "dev.asyncore.core..", "dev.asyncore.file..", "dev.asyncore.echo..",
			"dev.asyncore.chat..", "dev.asyncore.tls..", "dev.asyncore.http..", "dev.asyncore.probe..", "dev.asyncore.examples.." };

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.asyncore");
	}

	@Test
	void libraryPackagesImportNothingFromSpringOrMicrometer() {
		noClasses().that()
			.resideInAnyPackage(LIBRARY)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "io.micrometer..", "jakarta..")
			.check(classes);
	}

	@Test
	void coreDependsOnNoOtherProjectPackage() {
		noClasses().that()
			.resideInAPackage("dev.asyncore.core..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.asyncore.file..", "dev.asyncore.echo..", "dev.asyncore.chat..",
					"dev.asyncore.tls..", "dev.asyncore.http..", "dev.asyncore.boot..", "dev.asyncore.examples..")
			.check(classes);
	}

	@Test
	void libraryPackagesDoNotDependOnTheService() {
		noClasses().that()
			.resideInAnyPackage(LIBRARY)
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.asyncore.boot..")
			.check(classes);
	}

	@Test
	void dnsjavaIsUsedForTheWireFormatOnly() {
		noClasses().that()
			.resideInAPackage("dev.asyncore..")
			.should()
			.dependOnClassesThat(resideInAPackage("org.xbill.DNS..").and(simpleNameContaining("Resolver")
				.or(simpleNameContaining("Lookup"))
				.or(simpleNameContaining("Client"))
				.or(simpleNameContaining("ZoneTransfer"))
				.or(resideInAPackage("org.xbill.DNS.hosts.."))
				.or(resideInAPackage("org.xbill.DNS.spi.."))))
			.because("the reactor does the DNS I/O; dnsjava only encodes and decodes messages")
			.check(classes);
	}

	@Test
	void theProbeSpiDependsOnNoProbeSubpackage() {
		noClasses().that()
			.resideInAPackage("dev.asyncore.probe")
			.should()
			.dependOnClassesThat(resideInAPackage("dev.asyncore.probe..").and(not(resideInAPackage("dev.asyncore.probe"))))
			.check(classes);
	}

	@Test
	void theModuleFileKnowsNoProberAndNoExporter() {
		noClasses().that()
			.resideInAPackage("dev.asyncore.probe.config..")
			.should()
			.dependOnClassesThat(resideInAPackage("dev.asyncore.probe..").and(not(resideInAPackage("dev.asyncore.probe.config.."))))
			.because("probers reach the module file through the ProberKind table, so config imports none of them")
			.check(classes);
	}

	@Test
	void theExporterDependsOnlyOnTheSpiAndTheConfig() {
		noClasses().that()
			.resideInAPackage("dev.asyncore.probe.exporter..")
			.should()
			.dependOnClassesThat(resideInAPackage("dev.asyncore.probe..").and(not(resideInAnyPackage("dev.asyncore.probe",
					"dev.asyncore.probe.config..", "dev.asyncore.probe.exporter.."))))
			.because("the prober lookup is handed in: a new prober needs no change to the exporter")
			.check(classes);
	}

	@Test
	void noProberDependsOnTheExporter() {
		noClasses().that()
			.resideInAPackage("dev.asyncore.probe..")
			.and()
			.resideOutsideOfPackage("dev.asyncore.probe.exporter..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.asyncore.probe.exporter..")
			.check(classes);
	}

	@Test
	void probeSubpackagesAreFreeOfCycles() {
		slices().matching("dev.asyncore.probe.(**)").should().beFreeOfCycles().check(classes);
	}

	@Test
	void bootFeaturePackagesAreFreeOfCycles() {
		slices().matching("dev.asyncore.boot.(**)").should().beFreeOfCycles().check(classes);
	}

	@Test
	void bootConfigurationContractDependsOnNoOtherBootPackage() {
		noClasses().that()
			.resideInAPackage("dev.asyncore.boot.config..")
			.should()
			.dependOnClassesThat(
					resideInAPackage("dev.asyncore.boot..").and(not(resideInAPackage("dev.asyncore.boot.config.."))))
			.because("boot.config is the asyncore.* contract: every feature reads it, it reads no feature")
			.check(classes);
	}

	@Test
	void noPackageCyclesAnywhere() {
		slices().matching("dev.asyncore.(**)").should().beFreeOfCycles().check(classes);
	}

	@Test
	void everyMainPackageSaysWhatItHoldsAndWhoMayDependOnIt() throws IOException {
		Path root = Path.of("src/main/java");
		try (Stream<Path> dirs = Files.walk(root)) {
			List<String> missing = dirs.filter(Files::isDirectory)
				.filter(LayeringTest::holdsJavaSources)
				.filter((dir) -> !Files.exists(dir.resolve("package-info.java")))
				.map((dir) -> root.relativize(dir).toString().replace('/', '.'))
				.toList();
			assertThat(missing).as("packages without a package-info.java").isEmpty();
		}
	}

	private static boolean holdsJavaSources(Path dir) {
		try (Stream<Path> files = Files.list(dir)) {
			return files.anyMatch((f) -> f.toString().endsWith(".java"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
