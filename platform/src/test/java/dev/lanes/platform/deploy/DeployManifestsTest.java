package dev.lanes.platform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.platform.deploy.Manifests.Rendered;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The installation files (deploy/kubernetes, docker-compose.yml, the Dockerfiles) keep their
 * invariants. Each overlay is rendered with {@code kubectl kustomize} when kubectl is on the PATH
 * (.ci/run installs it); without it the base's files are checked as they are. The last tests feed
 * each rule a broken object, so none of them passes vacuously.
 */
class DeployManifestsTest {

  static final List<String> SERVICES =
      List.of("api-gateway", "build-service", "release-service", "registry-service");
  private static final Map<String, Rendered> RENDERED = new HashMap<>();

  @BeforeAll
  static void render() throws Exception {
    System.out.println("DeployManifestsTest: " + Manifests.kubectlVersion());
    for (String overlay : Manifests.overlays()) {
      RENDERED.put(overlay, Manifests.render(overlay));
    }
  }

  static List<String> overlays() throws Exception {
    return Manifests.overlays();
  }

  private static List<HasMetadata> objects(String overlay) {
    return RENDERED.get(overlay).objects();
  }

  @Test
  void thereAreALocalAndAProductionOverlay() throws Exception {
    assertThat(Manifests.overlays()).contains("local", "production");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void eachOverlayHoldsTheWholeInstallation(String overlay) {
    Map<String, Long> kinds = new java.util.TreeMap<>();
    objects(overlay).forEach(o -> kinds.merge(o.getKind(), 1L, Long::sum));
    // so that no rule below passes because there was nothing to check
    assertThat(kinds)
        .as("overlay %s: objects by kind", overlay)
        .containsEntry("Namespace", 3L)
        .containsEntry("ServiceAccount", 4L)
        .containsEntry("Deployment", 5L)
        .containsEntry("Service", 4L)
        .containsEntry("Role", 7L)
        .containsEntry("RoleBinding", 7L);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyContainerRequestsAndLimitsCpuAndMemory(String overlay) {
    assertThat(ManifestRules.resources(objects(overlay))).as(overlay).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyContainerHasReadinessAndLivenessProbes(String overlay) {
    assertThat(ManifestRules.probes(objects(overlay))).as(overlay).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void podsRunAsNonRootOnAReadOnlyRootFilesystem(String overlay) {
    assertThat(ManifestRules.nonRoot(objects(overlay))).as(overlay).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void podTemplatesCarryPrometheusAnnotations(String overlay) {
    assertThat(ManifestRules.prometheus(objects(overlay))).as(overlay).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void noRbacRuleUsesAWildcard(String overlay) {
    assertThat(ManifestRules.noWildcards(objects(overlay))).as(overlay).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void thereIsNoClusterRoleOrClusterRoleBinding(String overlay) {
    assertThat(ManifestRules.noClusterRbac(objects(overlay))).as(overlay).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void bindingsNameExistingRolesAndServiceAccountsAndEveryServiceHasItsOwn(String overlay) {
    assertThat(ManifestRules.bindings(objects(overlay))).as(overlay).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void theElectingServicesMayHoldTheirLeasesInTheLanesNamespace(String overlay) {
    assertThat(
            ManifestRules.leases(
                objects(overlay), "lanes", List.of("lanes-build-service", "lanes-release-service")))
        .as(overlay)
        .isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyImageIsAKustomizePlaceholderWithAPinnedTag(String overlay) throws Exception {
    Rendered r = RENDERED.get(overlay);
    assertThat(ManifestRules.images(r.objects(), r.byKustomize())).as(overlay).isEmpty();
    // and the overlay itself gives every placeholder a tag
    Map<String, Object> kustomization =
        Manifests.yaml(
            Manifests.kubernetes()
                .resolve("overlays")
                .resolve(overlay)
                .resolve("kustomization.yaml"));
    Map<String, Object> tags = new HashMap<>();
    for (Object image : Manifests.list(kustomization.get("images"))) {
      Map<String, Object> i = Manifests.map(image);
      tags.put(String.valueOf(i.get("name")), i.get("newTag"));
    }
    for (String name : ManifestRules.IMAGE_NAMES) {
      assertThat(tags.get(name))
          .as("overlay %s: images: must give %s a newTag other than latest", overlay, name)
          .isNotNull()
          .isNotEqualTo("latest");
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void theGatewayRunsInLanesProdAndBlueAsTheRegistryExpects(String overlay) {
    assertThat(ManifestRules.gatewayLanes(objects(overlay))).as(overlay).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void nothingInstalledCarriesLanesManagedByLabel(String overlay) {
    assertThat(ManifestRules.notManagedByLanes(objects(overlay))).as(overlay).isEmpty();
  }

  @Test
  void productionRunsTwoBuildAndReleaseServices() {
    Rendered production = RENDERED.get("production");
    if (!production.byKustomize()) {
      return; // replicas come from the overlay's patches, which only kustomize applies
    }
    assertThat(
            ManifestRules.replicas(
                production.objects(),
                Map.of(
                    "lanes-build-service", 2, "lanes-release-service", 2, "lanes-gateway-blue", 1)))
        .isEmpty();
  }

  // docker-compose.yml

  private static Map<String, Object> composeServices() throws Exception {
    return Manifests.map(
        Manifests.yaml(Manifests.repoRoot().resolve("docker-compose.yml")).get("services"));
  }

  @Test
  void composeHasPostgresAndKafka() throws Exception {
    assertThat(composeRules(composeServices())).isEmpty();
  }

  static List<String> composeRules(Map<String, Object> services) {
    List<String> out = new ArrayList<>();
    String postgres = String.valueOf(Manifests.map(services.get("postgres")).get("image"));
    if (!postgres.startsWith("postgres:17")) {
      out.add("docker-compose.yml: service postgres must use postgres:17, uses " + postgres);
    }
    Map<String, Object> kafka = Manifests.map(services.get("kafka"));
    if (!String.valueOf(kafka.get("image")).startsWith("apache/kafka:")) {
      out.add(
          "docker-compose.yml: service kafka must use apache/kafka, uses " + kafka.get("image"));
    }
    if (!String.valueOf(Manifests.map(kafka.get("environment")).get("KAFKA_PROCESS_ROLES"))
        .contains("controller")) {
      out.add(
          "docker-compose.yml: kafka must run as its own KRaft controller (KAFKA_PROCESS_ROLES)");
    }
    for (String name : SERVICES) {
      Map<String, Object> s = Manifests.map(services.get(name));
      if (s.isEmpty()) {
        out.add("docker-compose.yml: no service " + name);
        continue;
      }
      boolean conditioned =
          Manifests.map(s.get("depends_on")).values().stream()
              .anyMatch(d -> Manifests.map(d).containsKey("condition"));
      if (!s.containsKey("healthcheck") && !conditioned) {
        out.add(
            "docker-compose.yml: "
                + name
                + " has neither a healthcheck nor a depends_on"
                + " condition");
      }
      Object messaging = environment(s).get("LANES_MESSAGING");
      if (!"kafka".equals(messaging)) {
        out.add(
            "docker-compose.yml: " + name + " must set LANES_MESSAGING=kafka, sets " + messaging);
      }
      String dockerfile = String.valueOf(Manifests.map(s.get("build")).get("dockerfile"));
      if (!dockerfile.equals(name + "/Dockerfile")) {
        out.add(
            "docker-compose.yml: "
                + name
                + " must build from "
                + name
                + "/Dockerfile, builds"
                + " from "
                + dockerfile);
      }
    }
    Object replicas =
        Manifests.map(Manifests.map(services.get("build-service")).get("deploy")).get("replicas");
    if (!"2".equals(String.valueOf(replicas))) {
      out.add(
          "docker-compose.yml: build-service must run 2 replicas (deploy.replicas), has "
              + replicas);
    }
    return out;
  }

  /** A service's environment, written as a map or as a list of KEY=value. */
  private static Map<String, Object> environment(Map<String, Object> service) {
    Object env = service.get("environment");
    if (env instanceof List<?> l) {
      Map<String, Object> m = new HashMap<>();
      for (Object kv : l) {
        String[] parts = String.valueOf(kv).split("=", 2);
        m.put(parts[0], parts.length > 1 ? parts[1] : null);
      }
      return m;
    }
    return Manifests.map(env);
  }

  // Dockerfiles

  @Test
  void everyServiceHasADockerfileRunningItsJarAsANonRootUser() throws Exception {
    List<String> out = new ArrayList<>();
    for (String name : SERVICES) {
      Path file = Manifests.repoRoot().resolve(name).resolve("Dockerfile");
      if (!Files.exists(file)) {
        out.add(name + "/Dockerfile does not exist");
        continue;
      }
      String text = Files.readString(file);
      Stream.of(
              "FROM maven:3.9-eclipse-temurin-17 AS build",
              "FROM eclipse-temurin:17-jre",
              "-pl " + name + " -am",
              name + "/target/lanes-" + name + ".jar",
              "USER 10001",
              "EXPOSE 8080",
              "-XX:MaxRAMPercentage=75")
          .filter(s -> !text.contains(s))
          .forEach(s -> out.add(name + "/Dockerfile lacks '" + s + "'"));
    }
    assertThat(out).isEmpty();
  }

  // Each rule can fail: a broken object of each kind, and the violation that names it.

  private static List<HasMetadata> gatewayProdOnly(String extra) {
    return Manifests.parse(
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: lanes-gateway-prod, namespace: lanes, labels: {app: lanes-gateway, lane: prod}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: lanes-gateway, lane: prod}}
          template:
            metadata: {labels: {app: lanes-gateway, lane: prod}}
            spec:
              containers:
                - name: gw
                  image: nginx:latest
                  resources: {requests: {cpu: 100m}}
                  readinessProbe: {tcpSocket: {port: 8080}}
        ---
        """
            + extra);
  }

  @Test
  void theRulesNameTheObjectThatBreaksThem() {
    List<HasMetadata> bad =
        gatewayProdOnly(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: deploy-api}
            rules:
              - {apiGroups: ["*"], resources: [deployments], verbs: ["*"]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: x, namespace: prod}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: missing}
            subjects: [{kind: ServiceAccount, name: deploy-api, namespace: prod}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: lanes-gateway, namespace: lanes, labels: {app: lanes-gateway, lane: prod, app.kubernetes.io/managed-by: lanes}}
            spec: {selector: {app: lanes-gateway, lane: prod}, ports: [{port: 8080}]}
            """);
    String d = "Deployment lanes/lanes-gateway-prod: container gw ";
    assertThat(ManifestRules.resources(bad))
        .contains(d + "has no memory request", d + "has no cpu limit");
    assertThat(ManifestRules.probes(bad))
        .contains(d + "has no liveness probe", d + "has a readiness probe that is not GET /readyz");
    assertThat(ManifestRules.nonRoot(bad))
        .contains(
            d + "does not set runAsNonRoot: true", d + "does not set readOnlyRootFilesystem: true");
    assertThat(ManifestRules.prometheus(bad))
        .contains(
            "Deployment lanes/lanes-gateway-prod: pod template lacks annotation"
                + " prometheus.io/scrape=true");
    assertThat(ManifestRules.noWildcards(bad))
        .contains("ClusterRole deploy-api: a rule uses '*' in verbs [*]");
    assertThat(ManifestRules.noClusterRbac(bad))
        .containsExactly(
            "ClusterRole deploy-api: cluster-scoped RBAC; use a namespaced Role and"
                + " RoleBinding");
    assertThat(ManifestRules.bindings(bad))
        .anyMatch(v -> v.startsWith("RoleBinding prod/x: binds Role missing"))
        .anyMatch(
            v -> v.startsWith("Deployment lanes/lanes-gateway-prod: runs as ServiceAccount null"));
    assertThat(ManifestRules.images(bad, true))
        .anyMatch(v -> v.contains("nginx:latest, not one of the placeholders"))
        .contains(d + "uses image nginx:latest without a pinned tag (none or latest)");
    assertThat(ManifestRules.images(bad, false))
        .anyMatch(v -> v.contains("not a kustomize placeholder"));
    assertThat(ManifestRules.gatewayLanes(bad))
        .contains(
            "no Deployment of the gateway labelled app=lanes-gateway, lane=blue (on itself and"
                + " its pods)",
            "no Service lanes-gateway-prod for the gateway's prod lane")
        .anyMatch(v -> v.startsWith("Service lanes/lanes-gateway: must select"));
    assertThat(ManifestRules.notManagedByLanes(bad))
        .anyMatch(
            v -> v.startsWith("Service lanes/lanes-gateway: carries app.kubernetes.io/managed-by"));
    assertThat(
            ManifestRules.replicas(bad, Map.of("lanes-gateway-prod", 2, "lanes-build-service", 2)))
        .contains(
            "Deployment lanes/lanes-gateway-prod: 1 replicas, want 2",
            "no Deployment lanes-build-service");
    assertThat(ManifestRules.leases(bad, "lanes", List.of("lanes-build-service")))
        .containsExactly(
            "ServiceAccount lanes-build-service cannot get, create and renew Leases in"
                + " lanes (it may [])");
  }

  @Test
  void theComposeRulesNameWhatIsMissing() {
    Map<String, Object> services =
        Map.of(
            "postgres", Map.of("image", "postgres:16"),
            "build-service",
                Map.of(
                    "environment",
                    List.of("LANES_MESSAGING=local"),
                    "deploy",
                    Map.of("replicas", 1)));
    assertThat(composeRules(services))
        .contains(
            "docker-compose.yml: service postgres must use postgres:17, uses postgres:16",
            "docker-compose.yml: service kafka must use apache/kafka, uses null",
            "docker-compose.yml: no service api-gateway",
            "docker-compose.yml: build-service has neither a healthcheck nor a depends_on condition",
            "docker-compose.yml: build-service must set LANES_MESSAGING=kafka, sets local",
            "docker-compose.yml: build-service must run 2 replicas (deploy.replicas), has 1");
  }
}
