package dev.lanes.platform;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * How the modules may depend on each other (docs/architecture.md, "Who owns what"): {@code common}
 * imports no service; build-service and release-service never import each other, the gateway or the
 * platform; the registry imports no other service; the gateway imports no service at all (what it
 * reads of theirs is in {@code common}, what it asks of them goes over the messaging layer); the
 * gateway reads pods only through {@code common.pods}; no service imports a messaging transport;
 * only the platform knows the sandbox.
 */
@AnalyzeClasses(
    packages = "dev.lanes",
    importOptions = {
      ImportOption.DoNotIncludeTests.class,
      ModuleBoundariesTest.DoNotIncludeTestJars.class
    })
class ModuleBoundariesTest {

  /** Test helpers another module's tests use (api-gateway's test-jar) are tests too. */
  static final class DoNotIncludeTestJars implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("-tests.jar") && !location.contains("/test-classes/");
    }
  }

  @ArchTest
  static final ArchRule commonDependsOnNoService =
      noClasses()
          .that()
          .resideInAPackage("dev.lanes.common..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.lanes.gateway..",
              "dev.lanes.builds..",
              "dev.lanes.releases..",
              "dev.lanes.registry..",
              "dev.lanes.platform..",
              "dev.lanes.sandbox..");

  @ArchTest
  static final ArchRule buildServiceDependsOnNoOtherService =
      noClasses()
          .that()
          .resideInAPackage("dev.lanes.builds..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.lanes.releases..",
              "dev.lanes.registry..",
              "dev.lanes.gateway..",
              "dev.lanes.platform..");

  @ArchTest
  static final ArchRule releaseServiceDependsOnNoOtherService =
      noClasses()
          .that()
          .resideInAPackage("dev.lanes.releases..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.lanes.builds..",
              "dev.lanes.registry..",
              "dev.lanes.gateway..",
              "dev.lanes.platform..");

  @ArchTest
  static final ArchRule registryServiceDependsOnNoOtherService =
      noClasses()
          .that()
          .resideInAPackage("dev.lanes.registry..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.lanes.builds..",
              "dev.lanes.releases..",
              "dev.lanes.gateway..",
              "dev.lanes.platform..");

  @ArchTest
  static final ArchRule theGatewayDependsOnNoService =
      noClasses()
          .that()
          .resideInAPackage("dev.lanes.gateway..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.lanes.builds..",
              "dev.lanes.releases..",
              "dev.lanes.registry..",
              "dev.lanes.platform..");

  @ArchTest
  static final ArchRule theGatewayReadsPodsOnlyThroughCommonPods =
      noClasses()
          .that()
          .resideInAPackage("dev.lanes.gateway.http..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.fabric8..");

  @ArchTest
  static final ArchRule servicesNeverImportAMessagingTransport =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.lanes.gateway..",
              "dev.lanes.builds..",
              "dev.lanes.releases..",
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

  /**
   * Source under a directory that tools take for build output ({@code build/}, {@code target/},
   * {@code out/}, {@code bin/}, {@code dist/}) is dropped by common ignore patterns: no package is
   * named so.
   */
  @ArchTest
  static final ArchRule noPackageIsNamedLikeBuildOutput =
      noClasses()
          .should()
          .resideInAnyPackage("..build..", "..target..", "..out..", "..bin..", "..dist..");
}
