package dev.lanes.platform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.domain.App;
import dev.lanes.common.domain.Resources;
import dev.lanes.platform.deploy.Manifests.Rendered;
import dev.lanes.releases.app.ReleaseServiceConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /** The installation and the gateway's bootstrap together: every rule holds for both. */
  private static List<HasMetadata> objects(String overlay) {
    return RENDERED.get(overlay).all();
  }

  /** DEPLOY_NAMESPACE and RELEASE_TIMEOUT as release-service reads them from lanes-config. */
  private static ReleaseServiceConfig releaseConfig(String overlay) {
    return ReleaseServiceConfig.from(new ConfigReader(lanesConfig(overlay)));
  }

  /** The data of the ConfigMap lanes-config (empty when kustomize did not render the overlay). */
  private static Map<String, String> lanesConfig(String overlay) {
    return ManifestRules.all(RENDERED.get(overlay).objects(), ConfigMap.class)
        .filter(c -> c.getMetadata().getName().startsWith("lanes-config"))
        .findFirst()
        .map(ConfigMap::getData)
        .orElse(Map.of());
  }

  /** The app docs/install.md registers: the overlay's bootstrap-gateway/app.yaml. */
  static App registeredApp(Path file) throws Exception {
    Map<String, Object> a = Manifests.yaml(file);
    Map<String, Object> r = Manifests.map(a.get("resources"));
    Map<String, Object> l = Manifests.map(r.get("limits"));
    Map<String, String> envs = new java.util.TreeMap<>();
    Manifests.map(a.get("envs")).forEach((k, v) -> envs.put(k, String.valueOf(v)));
    return new App(
        (String) a.get("name"),
        (String) a.get("description"),
        (String) a.get("image_repo"),
        ((Number) a.get("port")).intValue(),
        List.of(),
        List.of(),
        envs,
        Map.of(),
        a.get("replicas") == null ? App.DEFAULT_REPLICAS : ((Number) a.get("replicas")).intValue(),
        new Resources(
            str(r.get("cpu")),
            str(r.get("memory")),
            l.isEmpty() ? null : new Resources.Limits(str(l.get("cpu")), str(l.get("memory")))),
        (String) a.get("health_path"),
        (String) a.get("service_account"),
        null,
        null);
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  @Test
  void thereAreALocalAndAProductionOverlay() throws Exception {
    assertThat(Manifests.overlays()).contains("local", "production");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void eachOverlayHoldsTheWholeInstallation(String overlay) {
    Map<String, Long> kinds = new java.util.TreeMap<>();
    RENDERED.get(overlay).objects().forEach(o -> kinds.merge(o.getKind(), 1L, Long::sum));
    // so that no rule below passes because there was nothing to check
    assertThat(kinds)
        .as("overlay %s: objects by kind", overlay)
        .containsEntry("Namespace", 3L)
        .containsEntry("ServiceAccount", 4L)
        .containsEntry("Deployment", 3L)
        .containsEntry("Service", 1L)
        .containsEntry("Role", 7L)
        .containsEntry("RoleBinding", 7L);
    Map<String, Long> gateway = new java.util.TreeMap<>();
    RENDERED.get(overlay).gateway().forEach(o -> gateway.merge(o.getKind(), 1L, Long::sum));
    assertThat(gateway)
        .as("overlay %s: the gateway's bootstrap, objects by kind", overlay)
        .isEqualTo(Map.of("Deployment", 2L, "Service", 3L));
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
    assertThat(ManifestRules.images(r.all(), r.byKustomize())).as(overlay).isEmpty();
    // and the overlay and its gateway bootstrap give every placeholder a tag
    Map<String, Object> tags = new HashMap<>();
    for (Path dir : List.of(Manifests.overlay(overlay), Manifests.bootstrap(overlay))) {
      Map<String, Object> kustomization = Manifests.yaml(dir.resolve("kustomization.yaml"));
      for (Object image : Manifests.list(kustomization.get("images"))) {
        Map<String, Object> i = Manifests.map(image);
        tags.put(String.valueOf(i.get("name")), i.get("newTag"));
      }
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
    assertThat(
            ManifestRules.gatewayLanes(
                RENDERED.get(overlay).gateway(), releaseConfig(overlay).namespace()))
        .as(overlay)
        .isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void nothingInstalledCarriesLanesManagedByLabel(String overlay) {
    assertThat(ManifestRules.notManagedByLanes(RENDERED.get(overlay).objects()))
        .as(overlay)
        .isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void theGatewayBootstrapIsExactlyTheGatewaysObjectsEachManagedByLanes(String overlay) {
    assertThat(
            ManifestRules.onlyTheGatewayIsManaged(
                RENDERED.get(overlay).gateway(), releaseConfig(overlay).namespace()))
        .as(overlay)
        .isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void theGatewayBootstrapIsWhatReleaseServiceWritesForTheRegisteredApp(String overlay)
      throws Exception {
    Rendered r = RENDERED.get(overlay);
    if (!r.byKustomize()) {
      return; // the raw base has neither the overlay's sizes nor its tag
    }
    App app = registeredApp(Manifests.bootstrap(overlay).resolve("app.yaml"));
    assertThat(app.name()).isEqualTo(ManifestRules.GATEWAY);
    ReleaseServiceConfig config = releaseConfig(overlay);
    assertThat(
            ManifestRules.asReleaseServiceWritesIt(
                r.gateway(), app, config.namespace(), config.timeout(), true))
        .as(overlay)
        .isEmpty();
    assertThat(ManifestRules.appEnvsMatchConfig(app, lanesConfig(overlay), config.namespace()))
        .as(overlay)
        .isEmpty();
  }

  @Test
  void theSecretsTemplateHoldsTheGatewaysSecretEnvsAsReleaseServiceWritesThem() throws Exception {
    List<HasMetadata> template =
        Manifests.parse(Files.readString(Manifests.kubernetes().resolve("secrets.example.yaml")));
    assertThat(
            ManifestRules.gatewaySecretTemplate(
                template,
                ReleaseServiceConfig.from(new ConfigReader(Map.of())).namespace(),
                GATEWAY_SECRET_ENVS))
        .isEmpty();
  }

  /** What the gateway reads from its Secret (GatewayMain: required in a cluster). */
  static final Set<String> GATEWAY_SECRET_ENVS =
      Set.of("DATABASE_URL", "API_TOKEN", "LANES_SECRET_KEY", "KAFKA_BOOTSTRAP_SERVERS");

  @Test
  void productionRunsTwoBuildAndReleaseServices() {
    Rendered production = RENDERED.get("production");
    if (!production.byKustomize()) {
      return; // replicas come from the overlay's patches, which only kustomize applies
    }
    assertThat(
            ManifestRules.replicas(
                production.all(),
                Map.of(
                    "lanes-build-service",
                    2,
                    "lanes-release-service",
                    2,
                    "lanes-gateway-prod",
                    2,
                    "lanes-gateway-blue",
                    1)))
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
    assertThat(ManifestRules.gatewayLanes(bad, "prod"))
        .contains(
            "Deployment lanes/lanes-gateway-prod: not in prod (DEPLOY_NAMESPACE), where Lanes"
                + " deploys the app lanes-gateway",
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

  /** The raw bootstrap-gateway base, and the app that matches it (the base's sizes and envs). */
  private static List<HasMetadata> rawBootstrap() throws Exception {
    return Manifests.parse(
        Manifests.resourceFiles(Manifests.kubernetes().resolve("bootstrap-gateway")));
  }

  private static App baseApp(int port) {
    Map<String, String> envs = new java.util.TreeMap<>();
    envs.putAll(
        Map.of(
            "BUILD_NAMESPACE", "paas-builds",
            "DATABASE_POOL_SIZE", "16",
            "DEPLOY_NAMESPACE", "prod",
            "HTTP_PORT", "8080",
            "KAFKA_PARTITIONS", "6",
            "KAFKA_REPLICATION_FACTOR", "1",
            "LANES_ALLOW_LOCAL_GIT", "false",
            "LANES_MESSAGING", "kafka"));
    return new App(
        ManifestRules.GATEWAY,
        null,
        "lanes",
        port,
        List.of(),
        List.of(),
        envs,
        Map.of(),
        1,
        new Resources("250m", "512Mi", new Resources.Limits("1", "768Mi")),
        "/readyz",
        "lanes-api-gateway",
        null,
        null);
  }

  @Test
  void theGatewayRulesNameWhatReleaseServiceWouldWriteDifferently() throws Exception {
    java.time.Duration timeout = java.time.Duration.ofMinutes(5);
    // the base as it is: what release-service writes, but for the bootstrap-only hardening
    assertThat(
            ManifestRules.asReleaseServiceWritesIt(
                rawBootstrap(), baseApp(8080), "prod", timeout, false))
        .isEmpty();
    assertThat(ManifestRules.onlyTheGatewayIsManaged(rawBootstrap(), "prod")).isEmpty();

    List<HasMetadata> bad = rawBootstrap();
    var deployments =
        ManifestRules.all(bad, io.fabric8.kubernetes.api.model.apps.Deployment.class).toList();
    var prod = deployments.stream().filter(d -> d.getMetadata().getName().endsWith("-prod"));
    var prodDeployment = prod.findFirst().orElseThrow();
    // what kustomize's commonLabels would do: a selector release-service cannot keep (immutable)
    prodDeployment
        .getSpec()
        .getSelector()
        .getMatchLabels()
        .put("app.kubernetes.io/part-of", "lanes");
    prodDeployment.getSpec().setReplicas(3);
    prodDeployment
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getReadinessProbe()
        .getHttpGet()
        .setPath("/healthz");
    var blue = deployments.stream().filter(d -> d.getMetadata().getName().endsWith("-blue"));
    blue.findFirst()
        .orElseThrow()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setEnvFrom(List.of());
    var blueService =
        ManifestRules.all(bad, io.fabric8.kubernetes.api.model.Service.class)
            .filter(x -> x.getMetadata().getName().equals("lanes-gateway-blue"))
            .findFirst()
            .orElseThrow();
    blueService.getSpec().getPorts().get(0).setName("web");
    blueService.getMetadata().getLabels().remove("app.kubernetes.io/managed-by");
    assertThat(ManifestRules.asReleaseServiceWritesIt(bad, baseApp(8080), "prod", timeout, false))
        .contains(
            "Deployment prod/lanes-gateway-prod: spec.selector.matchLabels.app.kubernetes.io/part-of:"
                + " release-service writes null, the bootstrap has lanes",
            "Deployment prod/lanes-gateway-prod: 3 replicas, but the app has 1: its first release"
                + " to prod would change that",
            "Deployment prod/lanes-gateway-prod:"
                + " spec.template.spec.containers[0].readinessProbe.httpGet.path: release-service"
                + " writes /readyz, the bootstrap has /healthz",
            "Service prod/lanes-gateway-blue: spec.ports[0].name: release-service writes http, the"
                + " bootstrap has web")
        .anyMatch(
            v ->
                v.startsWith(
                    "Deployment prod/lanes-gateway-blue: spec.template.spec.containers[0].envFrom:"))
        .anyMatch(
            v ->
                v.startsWith(
                    "Service prod/lanes-gateway-blue: metadata.labels.app.kubernetes.io/managed-by:"));
    // another port, and the rendered image must be the tag's
    assertThat(
            ManifestRules.asReleaseServiceWritesIt(
                rawBootstrap(), baseApp(9090), "prod", timeout, true))
        .anyMatch(v -> v.startsWith("Service prod/lanes-gateway: spec.ports[0].port:"))
        .contains(
            "Deployment prod/lanes-gateway-prod: runs lanes/api-gateway but is labelled"
                + " app.kubernetes.io/version=unset");
    assertThat(ManifestRules.onlyTheGatewayIsManaged(bad, "prod"))
        .containsExactly(
            "Service prod/lanes-gateway-blue: lacks app.kubernetes.io/managed-by=lanes, so"
                + " release-service would refuse to take it over (name_conflict)");
    assertThat(ManifestRules.onlyTheGatewayIsManaged(gatewayProdOnly(""), "prod"))
        .contains(
            "Deployment lanes/lanes-gateway-prod: not one of the objects Lanes writes for the app"
                + " lanes-gateway",
            "no Service prod/lanes-gateway in the gateway's bootstrap");
    assertThat(
            ManifestRules.appEnvsMatchConfig(
                baseApp(8080), Map.of("KAFKA_PARTITIONS", "3", "OTHER", "x"), "apps"))
        .containsExactly(
            "app lanes-gateway: env KAFKA_PARTITIONS=6 but lanes-config has KAFKA_PARTITIONS=3",
            "app lanes-gateway: DEPLOY_NAMESPACE=prod, but its objects are in apps");
    List<HasMetadata> secrets =
        Manifests.parse(
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: lanes-secrets, namespace: lanes, labels: {app.kubernetes.io/managed-by: lanes}}
            stringData: {DATABASE_URL: x}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: lanes-gateway-secrets, namespace: prod, labels: {app: lanes-gateway}}
            stringData: {DATABASE_URL: x}
            """);
    assertThat(ManifestRules.gatewaySecretTemplate(secrets, "prod", GATEWAY_SECRET_ENVS))
        .hasSize(3)
        .anyMatch(v -> v.startsWith("Secret lanes/lanes-secrets: carries"))
        .anyMatch(v -> v.startsWith("Secret prod/lanes-gateway-secrets: labels"))
        .anyMatch(v -> v.startsWith("Secret prod/lanes-gateway-secrets: keys [DATABASE_URL]"));
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
