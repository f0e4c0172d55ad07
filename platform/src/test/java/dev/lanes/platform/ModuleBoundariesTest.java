package dev.lanes.platform;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * How the modules may depend on each other: a service imports only {@code common} and the {@code
 * api} packages of other services, never a messaging transport; {@code common} imports no service;
 * only the platform knows the sandbox.
 */
@AnalyzeClasses(packages = "dev.lanes", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundariesTest {

  private static final String[] BUILD_INTERNALS = {
    "dev.lanes.build.app..",
    "dev.lanes.build.internal..",
    "dev.lanes.build.k8s..",
    "dev.lanes.build.store..",
    "dev.lanes.build.git.."
  };

  @ArchTest
  static final ArchRule theGatewayUsesOnlyTheApiOfBuildService =
      noClasses()
          .that()
          .resideInAPackage("dev.lanes.gateway..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(BUILD_INTERNALS);

  @ArchTest
  static final ArchRule commonDependsOnNoService =
      noClasses()
          .that()
          .resideInAPackage("dev.lanes.common..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.lanes.gateway..",
              "dev.lanes.build..",
              "dev.lanes.release..",
              "dev.lanes.registry..",
              "dev.lanes.platform..",
              "dev.lanes.sandbox..");

  @ArchTest
  static final ArchRule servicesDoNotDependOnEachOthersInternals =
      noClasses()
          .that()
          .resideInAnyPackage("dev.lanes.build..", "dev.lanes.release..", "dev.lanes.registry..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.lanes.gateway..", "dev.lanes.platform..");

  @ArchTest
  static final ArchRule servicesNeverImportAMessagingTransport =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.lanes.gateway..",
              "dev.lanes.build..",
              "dev.lanes.release..",
              "dev.lanes.registry..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.lanes.common.messaging.eventbus..", "dev.lanes.common.messaging.kafka..");

  @ArchTest
  static final ArchRule onlyThePlatformKnowsTheSandbox =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.lanes.platform..", "dev.lanes.sandbox..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.lanes.sandbox..");
}
