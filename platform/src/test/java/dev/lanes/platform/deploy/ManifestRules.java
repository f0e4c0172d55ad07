package dev.lanes.platform.deploy;

import dev.lanes.common.domain.App;
import dev.lanes.common.domain.Lane;
import dev.lanes.common.domain.Release;
import dev.lanes.common.domain.ReleaseStatus;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import dev.lanes.releases.k8s.DeploymentSpec;
import dev.lanes.releases.k8s.ServiceSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The invariants of the installation manifests, each a pure function from objects to the list of
 * violations ("Deployment lanes/x: container x has no memory limit"); empty means it holds.
 */
final class ManifestRules {

  /**
   * The kustomize image placeholders of the bases; overlays give them a registry and a tag (the
   * gateway's: the overlay's bootstrap-gateway/).
   */
  static final Set<String> IMAGE_NAMES =
      Set.of(
          "lanes/api-gateway",
          "lanes/build-service",
          "lanes/release-service",
          "lanes/registry-service");

  /** The gateway's image placeholder, the same for both lanes: one app, one image repo. */
  static final String GATEWAY_IMAGE = "lanes/api-gateway";

  /** Cluster-scoped RBAC that is justified; nothing Lanes does needs any. */
  static final Set<String> JUSTIFIED_CLUSTER_RBAC = Set.of();

  static final String GATEWAY = "lanes-gateway";

  private ManifestRules() {}

  static String id(HasMetadata o) {
    String ns = o.getMetadata().getNamespace();
    return o.getKind() + " " + (ns == null ? "" : ns + "/") + o.getMetadata().getName();
  }

  static <T extends HasMetadata> Stream<T> all(List<HasMetadata> objects, Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast);
  }

  private static List<String> perContainer(
      List<HasMetadata> objects, Function<Container, Stream<String>> rule) {
    List<String> out = new ArrayList<>();
    all(objects, Deployment.class)
        .forEach(
            d ->
                containers(d.getSpec().getTemplate().getSpec())
                    .forEach(
                        c ->
                            rule.apply(c)
                                .forEach(
                                    v -> out.add(id(d) + ": container " + c.getName() + " " + v))));
    return out;
  }

  private static Stream<Container> containers(PodSpec pod) {
    return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream());
  }

  /** Every container requests and limits CPU and memory. */
  static List<String> resources(List<HasMetadata> objects) {
    return perContainer(
        objects,
        c -> {
          var r = c.getResources();
          Map<String, ?> requests = r == null ? Map.of() : r.getRequests();
          Map<String, ?> limits = r == null ? Map.of() : r.getLimits();
          return Stream.of("cpu", "memory")
              .flatMap(
                  k ->
                      Stream.of(
                          requests.containsKey(k) ? null : "has no " + k + " request",
                          limits.containsKey(k) ? null : "has no " + k + " limit"))
              .filter(Objects::nonNull);
        });
  }

  /** Every container has a readiness probe on /readyz and a liveness probe on /healthz. */
  static List<String> probes(List<HasMetadata> objects) {
    return perContainer(
        objects,
        c ->
            Stream.of(
                    c.getReadinessProbe() == null ? "has no readiness probe" : null,
                    c.getLivenessProbe() == null ? "has no liveness probe" : null,
                    c.getReadinessProbe() != null
                            && (c.getReadinessProbe().getHttpGet() == null
                                || !"/readyz".equals(c.getReadinessProbe().getHttpGet().getPath()))
                        ? "has a readiness probe that is not GET /readyz"
                        : null,
                    c.getLivenessProbe() != null
                            && (c.getLivenessProbe().getHttpGet() == null
                                || !"/healthz".equals(c.getLivenessProbe().getHttpGet().getPath()))
                        ? "has a liveness probe that is not GET /healthz"
                        : null)
                .filter(Objects::nonNull));
  }

  /**
   * Pods run as a non-root user, without privilege escalation, on a read-only root filesystem with
   * a writable /tmp.
   */
  static List<String> nonRoot(List<HasMetadata> objects) {
    List<String> out = new ArrayList<>();
    all(objects, Deployment.class)
        .forEach(
            d -> {
              PodSpec pod = d.getSpec().getTemplate().getSpec();
              PodSecurityContext ps = pod.getSecurityContext();
              containers(pod)
                  .forEach(
                      c -> {
                        SecurityContext cs = c.getSecurityContext();
                        Boolean nonRoot =
                            cs != null && cs.getRunAsNonRoot() != null
                                ? cs.getRunAsNonRoot()
                                : ps == null ? null : ps.getRunAsNonRoot();
                        Long user =
                            cs != null && cs.getRunAsUser() != null
                                ? cs.getRunAsUser()
                                : ps == null ? null : ps.getRunAsUser();
                        String where = id(d) + ": container " + c.getName() + " ";
                        if (!Boolean.TRUE.equals(nonRoot)) {
                          out.add(where + "does not set runAsNonRoot: true");
                        }
                        if (user != null && user == 0) {
                          out.add(where + "runs as user 0");
                        }
                        if (cs == null || !Boolean.FALSE.equals(cs.getAllowPrivilegeEscalation())) {
                          out.add(where + "does not set allowPrivilegeEscalation: false");
                        }
                        if (cs == null || !Boolean.TRUE.equals(cs.getReadOnlyRootFilesystem())) {
                          out.add(where + "does not set readOnlyRootFilesystem: true");
                        } else if (c.getVolumeMounts().stream()
                            .noneMatch(m -> "/tmp".equals(m.getMountPath()))) {
                          out.add(where + "has a read-only root filesystem and no volume at /tmp");
                        }
                      });
            });
    return out;
  }

  /** Every pod template tells Prometheus where its metrics are. */
  static List<String> prometheus(List<HasMetadata> objects) {
    List<String> out = new ArrayList<>();
    all(objects, Deployment.class)
        .forEach(
            d -> {
              Map<String, String> a = d.getSpec().getTemplate().getMetadata().getAnnotations();
              Map<String, String> want =
                  Map.of(
                      "prometheus.io/scrape", "true",
                      "prometheus.io/path", "/metrics",
                      "prometheus.io/port", "8080");
              want.forEach(
                  (k, v) -> {
                    if (a == null || !v.equals(a.get(k))) {
                      out.add(id(d) + ": pod template lacks annotation " + k + "=" + v);
                    }
                  });
            });
    return out;
  }

  /** No RBAC rule grants "*" in apiGroups, resources, verbs or resourceNames. */
  static List<String> noWildcards(List<HasMetadata> objects) {
    List<String> out = new ArrayList<>();
    for (HasMetadata o : objects) {
      List<PolicyRule> rules =
          o instanceof Role r
              ? r.getRules()
              : o instanceof io.fabric8.kubernetes.api.model.rbac.ClusterRole c
                  ? c.getRules()
                  : List.of();
      for (PolicyRule rule : rules) {
        Map<String, List<String>> fields =
            Map.of(
                "apiGroups", rule.getApiGroups(),
                "resources", rule.getResources(),
                "verbs", rule.getVerbs(),
                "resourceNames", rule.getResourceNames(),
                "nonResourceURLs", rule.getNonResourceURLs());
        fields.forEach(
            (field, values) -> {
              if (values.stream().anyMatch(v -> v.contains("*"))) {
                out.add(id(o) + ": a rule uses '*' in " + field + " " + values);
              }
            });
        if (rule.getVerbs().isEmpty() || rule.getResources().isEmpty()) {
          out.add(id(o) + ": a rule names no verbs or no resources");
        }
      }
    }
    return out;
  }

  /** No ClusterRole or ClusterRoleBinding, unless listed as justified. */
  static List<String> noClusterRbac(List<HasMetadata> objects) {
    return objects.stream()
        .filter(o -> o.getKind().equals("ClusterRole") || o.getKind().equals("ClusterRoleBinding"))
        .filter(o -> !JUSTIFIED_CLUSTER_RBAC.contains(o.getMetadata().getName()))
        .map(o -> id(o) + ": cluster-scoped RBAC; use a namespaced Role and RoleBinding")
        .toList();
  }

  /**
   * Every RoleBinding binds a Role of its own namespace to a ServiceAccount that exists, and every
   * Deployment runs as its own ServiceAccount, not the namespace's default.
   */
  static List<String> bindings(List<HasMetadata> objects) {
    List<String> out = new ArrayList<>();
    Set<String> roles = Set.copyOf(all(objects, Role.class).map(ManifestRules::id).toList());
    Set<String> accounts =
        Set.copyOf(all(objects, ServiceAccount.class).map(ManifestRules::id).toList());
    all(objects, RoleBinding.class)
        .forEach(
            b -> {
              String ns = b.getMetadata().getNamespace();
              String role = "Role " + ns + "/" + b.getRoleRef().getName();
              if (!"Role".equals(b.getRoleRef().getKind()) || !roles.contains(role)) {
                out.add(
                    id(b)
                        + ": binds "
                        + b.getRoleRef().getKind()
                        + " "
                        + b.getRoleRef().getName()
                        + ", which is not a Role in "
                        + ns);
              }
              for (Subject s : b.getSubjects()) {
                String sa = "ServiceAccount " + s.getNamespace() + "/" + s.getName();
                if (!"ServiceAccount".equals(s.getKind()) || !accounts.contains(sa)) {
                  out.add(
                      id(b)
                          + ": subject "
                          + s.getKind()
                          + " "
                          + s.getNamespace()
                          + "/"
                          + s.getName()
                          + " is not a ServiceAccount of the installation");
                }
              }
            });
    all(objects, Deployment.class)
        .forEach(
            d -> {
              String sa = d.getSpec().getTemplate().getSpec().getServiceAccountName();
              if (sa == null
                  || sa.equals("default")
                  || !accounts.contains(
                      "ServiceAccount " + d.getMetadata().getNamespace() + "/" + sa)) {
                out.add(
                    id(d)
                        + ": runs as ServiceAccount "
                        + sa
                        + ", not one of the installation's own");
              }
            });
    return out;
  }

  /**
   * Images come from the kustomize placeholders. Rendered by kustomize: a registry path ending in
   * one of them (the blue gateway's becomes lanes/api-gateway) with an explicit tag or digest that
   * is not latest. Unrendered (the base): exactly a placeholder, untagged.
   */
  static List<String> images(List<HasMetadata> objects, boolean rendered) {
    return perContainer(
        objects,
        c -> {
          String image = c.getImage();
          if (!rendered) {
            return IMAGE_NAMES.contains(image)
                ? Stream.empty()
                : Stream.of("uses image " + image + ", not a kustomize placeholder " + IMAGE_NAMES);
          }
          int slash = image.lastIndexOf('/');
          int colon = image.indexOf(':', slash);
          boolean digest = image.contains("@sha256:");
          String repo =
              digest
                  ? image.substring(0, image.indexOf('@'))
                  : colon < 0 ? image : image.substring(0, colon);
          String tag = digest || colon < 0 ? null : image.substring(colon + 1);
          List<String> v = new ArrayList<>();
          if (IMAGE_NAMES.stream().noneMatch(n -> repo.equals(n) || repo.endsWith("/" + n))) {
            v.add("uses image " + image + ", not one of the placeholders " + IMAGE_NAMES);
          }
          if (!digest && (tag == null || tag.equals("latest"))) {
            v.add("uses image " + image + " without a pinned tag (none or latest)");
          }
          return v.stream();
        });
  }

  /**
   * The gateway runs in lanes prod and blue as the contract lays out an app: Deployment and Service
   * lanes-gateway-{lane} labelled app=lanes-gateway, lane={lane} and selecting that lane, and the
   * base Service lanes-gateway selecting lane prod without a lane label, all in the apps' namespace
   * (DEPLOY_NAMESPACE).
   */
  static List<String> gatewayLanes(List<HasMetadata> objects, String deployNamespace) {
    List<String> out = new ArrayList<>();
    objects.stream()
        .filter(o -> o.getMetadata().getName().startsWith(GATEWAY))
        .filter(o -> !deployNamespace.equals(o.getMetadata().getNamespace()))
        .forEach(
            o ->
                out.add(
                    id(o)
                        + ": not in "
                        + deployNamespace
                        + " (DEPLOY_NAMESPACE), where Lanes deploys the app "
                        + GATEWAY));
    for (String lane : List.of("prod", "blue")) {
      Map<String, String> labels = Map.of("app", GATEWAY, "lane", lane);
      String name = GATEWAY + "-" + lane;
      boolean deployment =
          all(objects, Deployment.class)
              .anyMatch(
                  d ->
                      hasAll(d.getMetadata().getLabels(), labels)
                          && hasAll(d.getSpec().getTemplate().getMetadata().getLabels(), labels));
      if (!deployment) {
        out.add(
            "no Deployment of the gateway labelled app="
                + GATEWAY
                + ", lane="
                + lane
                + " (on itself and its pods)");
      }
      var service =
          all(objects, Service.class)
              .filter(s -> s.getMetadata().getName().equals(name))
              .findFirst();
      if (service.isEmpty()) {
        out.add("no Service " + name + " for the gateway's " + lane + " lane");
      } else if (!hasAll(service.get().getMetadata().getLabels(), labels)
          || !hasAll(service.get().getSpec().getSelector(), labels)) {
        out.add(
            id(service.get()) + ": not labelled and selecting app=" + GATEWAY + ", lane=" + lane);
      }
    }
    var base =
        all(objects, Service.class)
            .filter(s -> s.getMetadata().getName().equals(GATEWAY))
            .findFirst();
    if (base.isEmpty()) {
      out.add("no base Service " + GATEWAY + " (selecting the prod lane)");
    } else if (!hasAll(base.get().getSpec().getSelector(), Map.of("app", GATEWAY, "lane", "prod"))
        || base.get().getMetadata().getLabels().containsKey("lane")) {
      out.add(
          id(base.get())
              + ": must select app="
              + GATEWAY
              + ", lane=prod and carry no lane label (the registry would take it for a lane)");
    }
    return out;
  }

  /**
   * Nothing installed carries app.kubernetes.io/managed-by=lanes: that marks what Lanes creates
   * (and, once bootstrapped, the gateway: see {@link #onlyTheGatewayIsManaged}).
   */
  static List<String> notManagedByLanes(List<HasMetadata> objects) {
    List<String> out = new ArrayList<>();
    for (HasMetadata o : objects) {
      Map<String, String> labels = o.getMetadata().getLabels();
      if (labels != null && "lanes".equals(labels.get("app.kubernetes.io/managed-by"))) {
        out.add(
            id(o)
                + ": carries app.kubernetes.io/managed-by=lanes, which would let Lanes"
                + " change or delete it as one of its own objects");
      }
    }
    return out;
  }

  /** The named Deployments have the given number of replicas. */
  static List<String> replicas(List<HasMetadata> objects, Map<String, Integer> want) {
    List<String> out = new ArrayList<>();
    want.forEach(
        (name, n) -> {
          var d =
              all(objects, Deployment.class)
                  .filter(x -> x.getMetadata().getName().equals(name))
                  .findFirst();
          if (d.isEmpty()) {
            out.add("no Deployment " + name);
          } else if (!Objects.equals(d.get().getSpec().getReplicas(), n)) {
            out.add(id(d.get()) + ": " + d.get().getSpec().getReplicas() + " replicas, want " + n);
          }
        });
    return out;
  }

  /**
   * Each named ServiceAccount may get, create and renew (update or patch) Leases in the namespace
   * the control plane runs in, through a Role bound to it there.
   */
  static List<String> leases(List<HasMetadata> objects, String namespace, List<String> accounts) {
    List<String> out = new ArrayList<>();
    for (String account : accounts) {
      Set<String> verbs = new java.util.HashSet<>();
      all(objects, RoleBinding.class)
          .filter(b -> namespace.equals(b.getMetadata().getNamespace()))
          .filter(b -> b.getSubjects().stream().anyMatch(s -> account.equals(s.getName())))
          .forEach(
              b ->
                  all(objects, Role.class)
                      .filter(r -> namespace.equals(r.getMetadata().getNamespace()))
                      .filter(r -> r.getMetadata().getName().equals(b.getRoleRef().getName()))
                      .flatMap(r -> r.getRules().stream())
                      .filter(rule -> rule.getApiGroups().contains("coordination.k8s.io"))
                      .filter(rule -> rule.getResources().contains("leases"))
                      .forEach(rule -> verbs.addAll(rule.getVerbs())));
      boolean renews = verbs.contains("update") || verbs.contains("patch");
      if (!verbs.contains("get") || !verbs.contains("create") || !renews) {
        out.add(
            "ServiceAccount "
                + account
                + " cannot get, create and renew Leases in "
                + namespace
                + " (it may "
                + new java.util.TreeSet<>(verbs)
                + ")");
      }
    }
    return out;
  }

  private static boolean hasAll(Map<String, String> actual, Map<String, String> want) {
    return actual != null && actual.entrySet().containsAll(want.entrySet());
  }

  // The gateway's bootstrap (deploy/kubernetes/bootstrap-gateway): what Lanes writes for its app

  /** The kind, namespace and name of the objects Lanes writes for the gateway's two lanes. */
  static Set<String> gatewayObjects(String deployNamespace) {
    String ns = deployNamespace + "/";
    return Set.of(
        "Deployment " + ns + LaneNames.laneObject(GATEWAY, Lane.PROD),
        "Deployment " + ns + LaneNames.laneObject(GATEWAY, "blue"),
        "Service " + ns + LaneNames.laneObject(GATEWAY, Lane.PROD),
        "Service " + ns + LaneNames.laneObject(GATEWAY, "blue"),
        "Service " + ns + LaneNames.baseService(GATEWAY));
  }

  /**
   * The bootstrap holds exactly the gateway's objects, each labelled managed-by=lanes (so that
   * release-service may take it over), and nothing else.
   */
  static List<String> onlyTheGatewayIsManaged(List<HasMetadata> bootstrap, String deployNamespace) {
    List<String> out = new ArrayList<>();
    Set<String> want = gatewayObjects(deployNamespace);
    Set<String> seen = new java.util.TreeSet<>();
    for (HasMetadata o : bootstrap) {
      seen.add(id(o));
      if (!want.contains(id(o))) {
        out.add(id(o) + ": not one of the objects Lanes writes for the app " + GATEWAY);
      } else if (!LaneLabels.isManaged(o.getMetadata().getLabels())) {
        out.add(
            id(o)
                + ": lacks "
                + LaneLabels.MANAGED_BY
                + "="
                + LaneLabels.MANAGER
                + ", so release-service would refuse to take it over (name_conflict)");
      }
    }
    new java.util.TreeSet<>(want)
        .stream()
            .filter(w -> !seen.contains(w))
            .forEach(w -> out.add("no " + w + " in the gateway's bootstrap"));
    return out;
  }

  /**
   * Fields of the bootstrap's Deployments that release-service does not write: hardening that lasts
   * until the first self-deploy replaces the object (docs/install.md). Paths in the Deployment as a
   * map; any other difference from release-service's Deployment is a violation.
   */
  static final List<List<String>> BOOTSTRAP_ONLY =
      List.of(
          List.of("spec", "template", "metadata", "annotations", "prometheus.io/scrape"),
          List.of("spec", "template", "metadata", "annotations", "prometheus.io/port"),
          List.of("spec", "template", "metadata", "annotations", "prometheus.io/path"),
          List.of("spec", "template", "spec", "securityContext"),
          List.of("spec", "template", "spec", "volumes"),
          List.of("spec", "template", "spec", "containers", "0", "securityContext"),
          List.of("spec", "template", "spec", "containers", "0", "startupProbe"),
          List.of("spec", "template", "spec", "containers", "0", "livenessProbe"),
          List.of("spec", "template", "spec", "containers", "0", "volumeMounts"));

  /**
   * What release-service adds to a Deployment when it writes a release, which a bootstrap cannot
   * know: the release's id and revision, and the digest of the secret envs' values.
   */
  static final List<List<String>> RELEASE_BOOKKEEPING =
      List.of(
          List.of("metadata", "annotations", DeploymentSpec.RELEASE_ID),
          List.of("metadata", "annotations", DeploymentSpec.REVISION),
          List.of("spec", "template", "metadata", "annotations", DeploymentSpec.SECRETS_CHECKSUM));

  /**
   * The bootstrap's Deployments and Services are what release-service's own {@link DeploymentSpec}
   * and {@link ServiceSpec} produce for {@code app} released in lanes prod and blue (the tag: the
   * Deployment's app.kubernetes.io/version; the image and replicas: the Deployment's), but for
   * {@link #BOOTSTRAP_ONLY} and {@link #RELEASE_BOOKKEEPING}. The order of env entries is not
   * compared: release-service replaces the object and no entry refers to another. Rendered by
   * kustomize: the image is the tag's. The prod lane runs the app's replicas, as the first release
   * will.
   */
  static List<String> asReleaseServiceWritesIt(
      List<HasMetadata> bootstrap,
      App app,
      String deployNamespace,
      java.time.Duration releaseTimeout,
      boolean rendered) {
    List<String> out = new ArrayList<>();
    DeploymentSpec deployments = new DeploymentSpec(deployNamespace, releaseTimeout);
    ServiceSpec services = new ServiceSpec(deployNamespace);
    for (String lane : List.of(Lane.PROD, "blue")) {
      String name = LaneNames.laneObject(app.name(), lane);
      var found =
          all(bootstrap, Deployment.class)
              .filter(d -> d.getMetadata().getName().equals(name))
              .findFirst();
      if (found.isEmpty()) {
        out.add("no Deployment " + name + " to compare with release-service's");
        continue;
      }
      Deployment d = found.get();
      Map<String, String> labels =
          d.getMetadata().getLabels() == null ? Map.of() : d.getMetadata().getLabels();
      String tag = labels.get(LaneLabels.VERSION);
      List<Container> cs = d.getSpec().getTemplate().getSpec().getContainers();
      String image = cs.isEmpty() ? null : cs.get(0).getImage();
      int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
      if (tag == null) {
        out.add(id(d) + ": no label " + LaneLabels.VERSION + " (the image's tag)");
        continue;
      }
      if (rendered && (image == null || !image.endsWith(":" + tag))) {
        out.add(id(d) + ": runs " + image + " but is labelled " + LaneLabels.VERSION + "=" + tag);
      }
      if (lane.equals(Lane.PROD) && replicas != app.replicas()) {
        out.add(
            id(d)
                + ": "
                + replicas
                + " replicas, but the app has "
                + app.replicas()
                + ": its first release to prod would change that");
      }
      Release release =
          new Release(
              java.util.UUID.randomUUID(),
              app.name(),
              lane,
              tag,
              image,
              replicas,
              Map.of(),
              1,
              ReleaseStatus.PENDING,
              null,
              null,
              name,
              name,
              null,
              null);
      Deployment want = deployments.desired(release, app, "checksum");
      out.addAll(
          differences(
              id(d), without(tree(want), RELEASE_BOOKKEEPING), without(tree(d), BOOTSTRAP_ONLY)));
    }
    List<Service> wantServices =
        List.of(
            services.lane(app.name(), Lane.PROD, app.port()),
            services.lane(app.name(), "blue", app.port()),
            services.base(app.name(), app.port()));
    for (Service want : wantServices) {
      var found =
          all(bootstrap, Service.class)
              .filter(s -> s.getMetadata().getName().equals(want.getMetadata().getName()))
              .findFirst();
      if (found.isEmpty()) {
        out.add(
            "no Service " + want.getMetadata().getName() + " to compare with release-service's");
      } else {
        out.addAll(differences(id(found.get()), tree(want), tree(found.get())));
      }
    }
    return out;
  }

  /**
   * The app's envs agree with the installation's ConfigMap lanes-config where both set a variable,
   * and its DEPLOY_NAMESPACE is where the gateway's objects are.
   */
  static List<String> appEnvsMatchConfig(
      App app, Map<String, String> lanesConfig, String deployNamespace) {
    List<String> out = new ArrayList<>();
    new java.util.TreeMap<>(app.envs())
        .forEach(
            (k, v) -> {
              if (lanesConfig.containsKey(k) && !lanesConfig.get(k).equals(v)) {
                out.add(
                    "app "
                        + app.name()
                        + ": env "
                        + k
                        + "="
                        + v
                        + " but lanes-config has "
                        + k
                        + "="
                        + lanesConfig.get(k));
              }
            });
    if (!deployNamespace.equals(app.envs().get("DEPLOY_NAMESPACE"))) {
      out.add(
          "app "
              + app.name()
              + ": DEPLOY_NAMESPACE="
              + app.envs().get("DEPLOY_NAMESPACE")
              + ", but its objects are in "
              + deployNamespace);
    }
    return out;
  }

  /**
   * The Secret template of the app's secret envs ({app}-secrets in DEPLOY_NAMESPACE) carries the
   * labels release-service writes (so it may take it over) and the keys the gateway reads; it is
   * the only object of the template so labelled.
   */
  static List<String> gatewaySecretTemplate(
      List<HasMetadata> template, String deployNamespace, Set<String> keys) {
    List<String> out = new ArrayList<>();
    String name = LaneNames.secret(GATEWAY);
    for (HasMetadata o : template) {
      boolean isIt =
          o instanceof io.fabric8.kubernetes.api.model.Secret
              && name.equals(o.getMetadata().getName())
              && deployNamespace.equals(o.getMetadata().getNamespace());
      if (!isIt && LaneLabels.isManaged(o.getMetadata().getLabels())) {
        out.add(id(o) + ": carries " + LaneLabels.MANAGED_BY + "=" + LaneLabels.MANAGER);
      }
    }
    var secret =
        all(template, io.fabric8.kubernetes.api.model.Secret.class)
            .filter(x -> name.equals(x.getMetadata().getName()))
            .filter(x -> deployNamespace.equals(x.getMetadata().getNamespace()))
            .findFirst();
    if (secret.isEmpty()) {
      out.add("no Secret " + deployNamespace + "/" + name + " (the gateway's secret envs)");
      return out;
    }
    Map<String, String> want = LaneLabels.forAppSecret(GATEWAY).toMap();
    if (!want.equals(secret.get().getMetadata().getLabels())) {
      out.add(
          id(secret.get())
              + ": labels "
              + secret.get().getMetadata().getLabels()
              + ", release-service writes "
              + want);
    }
    Set<String> has = new java.util.TreeSet<>(secret.get().getStringData().keySet());
    has.addAll(secret.get().getData().keySet());
    if (!has.equals(new java.util.TreeSet<>(keys))) {
      out.add(
          id(secret.get())
              + ": keys "
              + has
              + ", the gateway reads "
              + new java.util.TreeSet<>(keys));
    }
    return out;
  }

  /** An object as nested maps and lists, without nulls and empty collections. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> tree(HasMetadata o) {
    Map<String, Object> m =
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
            io.fabric8.kubernetes.client.utils.Serialization.asJson(o), Map.class);
    return (Map<String, Object>) normalize(m);
  }

  /** Drops nulls and empty collections; a container's env becomes a map by name. */
  @SuppressWarnings("unchecked")
  private static Object normalize(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new java.util.TreeMap<>();
      m.forEach(
          (k, x) -> {
            Object n = "env".equals(k) && x instanceof List<?> l ? envByName(l) : normalize(x);
            if (n != null) {
              out.put(String.valueOf(k), n);
            }
          });
      return out.isEmpty() ? null : out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(normalize(x)));
      return out.isEmpty() ? null : out;
    }
    return v == null ? null : String.valueOf(v);
  }

  private static Object envByName(List<?> env) {
    Map<String, Object> out = new java.util.TreeMap<>();
    for (Object e : env) {
      Map<String, Object> entry = new java.util.TreeMap<>((Map<String, Object>) e);
      String name = String.valueOf(entry.remove("name"));
      if (out.containsKey(name)) {
        out.put(name + " (again)", normalize(entry));
      } else {
        Object n = normalize(entry);
        out.put(name, n == null ? "" : n);
      }
    }
    return out.isEmpty() ? null : out;
  }

  /** The tree without the given paths (list elements by index). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> without(Map<String, Object> tree, List<List<String>> paths) {
    Map<String, Object> copy = (Map<String, Object>) deepCopy(tree);
    for (List<String> path : paths) {
      Object at = copy;
      for (int i = 0; i < path.size() - 1 && at != null; i++) {
        at = child(at, path.get(i));
      }
      if (at instanceof Map<?, ?> m) {
        ((Map<String, Object>) m).remove(path.get(path.size() - 1));
      }
    }
    return (Map<String, Object>) normalize(copy);
  }

  private static Object child(Object at, String key) {
    if (at instanceof Map<?, ?> m) {
      return m.get(key);
    }
    if (at instanceof List<?> l && key.chars().allMatch(Character::isDigit)) {
      int i = Integer.parseInt(key);
      return i < l.size() ? l.get(i) : null;
    }
    return null;
  }

  private static Object deepCopy(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new java.util.TreeMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), deepCopy(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(deepCopy(x)));
      return out;
    }
    return v;
  }

  /** Where {@code actual} differs from {@code want}: "id: path: release-service writes X, is Y". */
  static List<String> differences(String id, Object want, Object actual) {
    List<String> out = new ArrayList<>();
    diff(id + ": ", "", want, actual, out);
    return out;
  }

  private static void diff(
      String prefix, String path, Object want, Object actual, List<String> out) {
    if (want instanceof Map<?, ?> w && actual instanceof Map<?, ?> a) {
      Set<Object> keys = new java.util.TreeSet<>(Comparator.comparing(String::valueOf));
      keys.addAll(w.keySet());
      keys.addAll(a.keySet());
      for (Object k : keys) {
        diff(prefix, path.isEmpty() ? String.valueOf(k) : path + "." + k, w.get(k), a.get(k), out);
      }
    } else if (want instanceof List<?> w && actual instanceof List<?> a && w.size() == a.size()) {
      for (int i = 0; i < w.size(); i++) {
        diff(prefix, path + "[" + i + "]", w.get(i), a.get(i), out);
      }
    } else if (!Objects.equals(want, actual)) {
      out.add(prefix + path + ": release-service writes " + want + ", the bootstrap has " + actual);
    }
  }
}
