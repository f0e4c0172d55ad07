package dev.lanes.platform.deploy;

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

  /** The kustomize image placeholders of the base; overlays give them a registry and a tag. */
  static final Set<String> IMAGE_NAMES =
      Set.of(
          "lanes/api-gateway",
          "lanes/api-gateway-blue",
          "lanes/build-service",
          "lanes/release-service",
          "lanes/registry-service");

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
   * base Service lanes-gateway selecting lane prod without a lane label.
   */
  static List<String> gatewayLanes(List<HasMetadata> objects) {
    List<String> out = new ArrayList<>();
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
   * Nothing installed carries app.kubernetes.io/managed-by=lanes: that marks what Lanes creates.
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
}
