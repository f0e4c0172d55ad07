package dev.lanes.platform.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the installation files of the repository and reads them: an overlay rendered by {@code
 * kubectl kustomize} when kubectl is on the PATH, else the base's files as they are.
 */
final class Manifests {

  /**
   * The objects of one overlay, and whether kustomize rendered them (else: the raw bases).
   *
   * @param objects what {@code kubectl apply -k overlays/<overlay>} installs
   * @param gateway what {@code kubectl create -k overlays/<overlay>/bootstrap-gateway} creates
   *     once: the gateway as Lanes deploys it
   */
  record Rendered(
      String overlay, boolean byKustomize, List<HasMetadata> objects, List<HasMetadata> gateway) {

    /** The installation and the gateway's bootstrap together: what runs once both are applied. */
    List<HasMetadata> all() {
      List<HasMetadata> all = new ArrayList<>(objects);
      all.addAll(gateway);
      return all;
    }
  }

  private Manifests() {}

  /** The repository's root: the first directory, from the module's upwards, holding deploy/. */
  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("deploy/kubernetes/base"))) {
        return d;
      }
    }
    throw new IllegalStateException("no deploy/kubernetes/base above " + dir);
  }

  static Path kubernetes() {
    return repoRoot().resolve("deploy/kubernetes");
  }

  static List<String> overlays() throws IOException {
    try (Stream<Path> dirs = Files.list(kubernetes().resolve("overlays"))) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
    }
  }

  static Optional<Path> kubectl() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The overlay's directory: deploy/kubernetes/overlays/{overlay}. */
  static Path overlay(String overlay) {
    return kubernetes().resolve("overlays").resolve(overlay);
  }

  /** The overlay's gateway bootstrap: deploy/kubernetes/overlays/{overlay}/bootstrap-gateway. */
  static Path bootstrap(String overlay) {
    return overlay(overlay).resolve("bootstrap-gateway");
  }

  /**
   * The overlay and its gateway bootstrap rendered by kubectl, or the bases' resource files when
   * there is no kubectl.
   */
  static Rendered render(String overlay) throws Exception {
    Optional<Path> kubectl = kubectl();
    if (kubectl.isEmpty()) {
      return new Rendered(
          overlay,
          false,
          parse(resourceFiles(kubernetes().resolve("base"))),
          parse(resourceFiles(kubernetes().resolve("bootstrap-gateway"))));
    }
    return new Rendered(
        overlay,
        true,
        kustomize(kubectl.get(), overlay(overlay)),
        kustomize(kubectl.get(), bootstrap(overlay)));
  }

  private static List<HasMetadata> kustomize(Path kubectl, Path dir) throws Exception {
    Path err = Files.createTempFile("kustomize", ".err");
    try {
      Process p =
          new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
              .redirectError(err.toFile())
              .start();
      String yaml = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " did not finish in 120 s");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "kubectl kustomize "
                + dir
                + " failed (exit "
                + p.exitValue()
                + "): "
                + Files.readString(err));
      }
      return parse(yaml);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** kubectl's version line, for the test log. */
  static String kubectlVersion() throws Exception {
    Optional<Path> kubectl = kubectl();
    if (kubectl.isEmpty()) {
      return "no kubectl on the PATH";
    }
    Process p =
        new ProcessBuilder(kubectl.get().toString(), "version", "--client")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out.lines().findFirst().orElse("?");
  }

  /** The files a kustomization.yaml lists under resources, joined as one stream. */
  static String resourceFiles(Path base) throws IOException {
    Map<String, Object> kustomization = yaml(base.resolve("kustomization.yaml"));
    StringBuilder all = new StringBuilder();
    for (Object file : list(kustomization.get("resources"))) {
      all.append(Files.readString(base.resolve(file.toString()))).append("\n---\n");
    }
    return all.toString();
  }

  static List<HasMetadata> parse(String multiDocumentYaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : multiDocumentYaml.split("(?m)^---\\s*$")) {
      boolean empty = doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"));
      if (empty) {
        continue;
      }
      Object parsed = Serialization.unmarshal(doc);
      if (parsed instanceof KubernetesList l) {
        objects.addAll(l.getItems());
      } else if (parsed instanceof HasMetadata h) {
        objects.add(h);
      } else {
        throw new AssertionError("not a Kubernetes object: " + doc);
      }
    }
    return objects;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(Path file) throws IOException {
    return Serialization.unmarshal(Files.readString(file), Map.class);
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return value instanceof List<?> l ? (List<Object>) l : List.of();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
