package dev.lanes.sandbox.api;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscoveryBuilder;
import io.fabric8.kubernetes.api.model.ServerAddressByClientCIDRBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery and version documents of the sandbox's API server ({@code /version}, {@code /api},
 * {@code /apis}, {@code /api/v1}, {@code /apis/{group}/{version}}), listing the kinds the sandbox
 * holds, so kubectl can map {@code deploy}, {@code po} or {@code endpointslices} to paths.
 * fabric8's CRUD store answers those paths with lists of stored objects, which kubectl cannot read.
 * Pure: the documents are built once from the table below.
 */
final class SandboxDiscovery {

  /** The Kubernetes release whose API the sandbox imitates (for {@code /version}). */
  static final String KUBERNETES_VERSION = "v1.34.0";

  private static final List<String> READ_WRITE =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> STATUS_VERBS = List.of("get", "patch", "update");

  /** One kind served by the sandbox. */
  private record Kind(
      String group,
      String version,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> subresources) {}

  private static final List<Kind> KINDS =
      List.of(
          new Kind("", "v1", "pods", "pod", "Pod", true, List.of("po"), List.of("log", "status")),
          new Kind("", "v1", "services", "service", "Service", true, List.of("svc"), List.of()),
          new Kind("", "v1", "secrets", "secret", "Secret", true, List.of(), List.of()),
          new Kind(
              "", "v1", "configmaps", "configmap", "ConfigMap", true, List.of("cm"), List.of()),
          new Kind("", "v1", "events", "event", "Event", true, List.of("ev"), List.of()),
          new Kind(
              "",
              "v1",
              "serviceaccounts",
              "serviceaccount",
              "ServiceAccount",
              true,
              List.of("sa"),
              List.of()),
          new Kind(
              "",
              "v1",
              "namespaces",
              "namespace",
              "Namespace",
              false,
              List.of("ns"),
              List.of("status")),
          new Kind(
              "apps",
              "v1",
              "deployments",
              "deployment",
              "Deployment",
              true,
              List.of("deploy"),
              List.of("status")),
          new Kind(
              "apps",
              "v1",
              "replicasets",
              "replicaset",
              "ReplicaSet",
              true,
              List.of("rs"),
              List.of("status")),
          new Kind("batch", "v1", "jobs", "job", "Job", true, List.of(), List.of("status")),
          new Kind(
              "discovery.k8s.io",
              "v1",
              "endpointslices",
              "endpointslice",
              "EndpointSlice",
              true,
              List.of(),
              List.of()),
          new Kind(
              "coordination.k8s.io", "v1", "leases", "lease", "Lease", true, List.of(), List.of()));

  private final Map<String, String> documents = new LinkedHashMap<>();

  SandboxDiscovery() {
    documents.put("/version", Serialization.asJson(version()));
    documents.put("/api", Serialization.asJson(coreVersions()));
    documents.put("/apis", Serialization.asJson(groups()));
    for (String groupVersion : groupVersions()) {
      String path = groupVersion.contains("/") ? "/apis/" + groupVersion : "/api/" + groupVersion;
      documents.put(path, Serialization.asJson(resources(groupVersion)));
    }
  }

  /** The document served at {@code path} (no query), if it is a discovery path. */
  Optional<String> document(String path) {
    String bare =
        path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    return Optional.ofNullable(documents.get(bare));
  }

  /** The fields of a Kubernetes {@code version.Info}, as {@code /version} answers them. */
  private static Map<String, String> version() {
    String[] parts = KUBERNETES_VERSION.substring(1).split("\\.");
    Map<String, String> v = new LinkedHashMap<>();
    v.put("major", parts[0]);
    v.put("minor", parts[1]);
    v.put("gitVersion", KUBERNETES_VERSION + "-lanes-sandbox");
    v.put("gitCommit", "0000000000000000000000000000000000000000");
    v.put("gitTreeState", "clean");
    v.put("buildDate", "2025-08-27T00:00:00Z");
    v.put("goVersion", "go1.24");
    v.put("compiler", "gc");
    v.put("platform", "linux/amd64");
    return v;
  }

  private static Object coreVersions() {
    return new APIVersionsBuilder()
        .withVersions("v1")
        .withServerAddressByClientCIDRs(
            new ServerAddressByClientCIDRBuilder()
                .withClientCIDR("0.0.0.0/0")
                .withServerAddress("127.0.0.1")
                .build())
        .build();
  }

  private static Object groups() {
    Map<String, List<String>> versions = new LinkedHashMap<>();
    for (Kind k : KINDS) {
      if (!k.group().isEmpty()) {
        List<String> of = versions.computeIfAbsent(k.group(), g -> new ArrayList<>());
        if (!of.contains(k.version())) {
          of.add(k.version());
        }
      }
    }
    List<APIGroup> groups = new ArrayList<>();
    versions.forEach(
        (group, vs) -> {
          APIGroupBuilder g = new APIGroupBuilder().withName(group);
          vs.forEach(
              v ->
                  g.addToVersions(
                      new GroupVersionForDiscoveryBuilder()
                          .withGroupVersion(group + "/" + v)
                          .withVersion(v)
                          .build()));
          groups.add(
              g.withPreferredVersion(
                      new GroupVersionForDiscoveryBuilder()
                          .withGroupVersion(group + "/" + vs.get(0))
                          .withVersion(vs.get(0))
                          .build())
                  .build());
        });
    return new APIGroupListBuilder().withGroups(groups).build();
  }

  private static List<String> groupVersions() {
    List<String> all = new ArrayList<>();
    for (Kind k : KINDS) {
      String gv = groupVersion(k);
      if (!all.contains(gv)) {
        all.add(gv);
      }
    }
    return all;
  }

  private static String groupVersion(Kind k) {
    return k.group().isEmpty() ? k.version() : k.group() + "/" + k.version();
  }

  private static Object resources(String groupVersion) {
    List<APIResource> resources = new ArrayList<>();
    for (Kind k : KINDS) {
      if (!groupVersion(k).equals(groupVersion)) {
        continue;
      }
      resources.add(
          new APIResourceBuilder()
              .withName(k.plural())
              .withSingularName(k.singular())
              .withKind(k.kind())
              .withNamespaced(k.namespaced())
              .withVerbs(READ_WRITE)
              .withShortNames(k.shortNames())
              .build());
      for (String sub : k.subresources()) {
        resources.add(
            new APIResourceBuilder()
                .withName(k.plural() + "/" + sub)
                .withSingularName("")
                .withKind(k.kind())
                .withNamespaced(k.namespaced())
                .withVerbs(sub.equals("log") ? List.of("get") : STATUS_VERBS)
                .build());
      }
    }
    return new APIResourceListBuilder()
        .withGroupVersion(groupVersion)
        .withResources(resources)
        .build();
  }
}
