package dev.lanes.sandbox.controllers;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's Deployment controller, doing the ReplicaSet controller's part as well. For each
 * Deployment it keeps a ReplicaSet per pod template (named and labelled with the template's hash,
 * revision-annotated as Kubernetes does) and that ReplicaSet's pods ({@link
 * PodFactory#forReplicaSet}), deletes the old pods once the new ones are ready, and writes the
 * Deployment's status: observed generation, replicas, updated, ready and available replicas, and
 * the Available and Progressing conditions, including {@code ProgressDeadlineExceeded} when a
 * rollout does not finish within {@code progressDeadlineSeconds}. It looks again whenever one of
 * its pods changes; bringing a pod up (or failing to) is the kubelet's.
 */
final class DeploymentController {

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentController.class);
  static final String HASH = PodFactory.HASH;
  static final String REVISION = "deployment.kubernetes.io/revision";

  private final KubernetesClient client;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Rollout> rollouts = new ConcurrentHashMap<>();
  private final PodFactory pods;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  /** A rollout under way: which template, since when. */
  private record Rollout(String hash, long generation, Instant started) {}

  DeploymentController(
      KubernetesClient client, ScheduledExecutorService scheduler, PodFactory pods) {
    this.client = client;
    this.scheduler = scheduler;
    this.pods = pods;
  }

  void start() {
    informers.add(client.pods().inAnyNamespace().inform(podEvents(), 0));
    informers.add(
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Deployment d) {
                    later(key(d), Duration.ZERO);
                  }

                  @Override
                  public void onUpdate(Deployment before, Deployment after) {
                    if (!java.util.Objects.equals(
                        before.getMetadata().getGeneration(),
                        after.getMetadata().getGeneration())) {
                      later(key(after), Duration.ZERO);
                    }
                  }

                  @Override
                  public void onDelete(Deployment d, boolean unknown) {
                    scheduler.execute(() -> collect(d));
                  }
                },
                0));
  }

  void close() {
    informers.forEach(SharedIndexInformer::close);
  }

  /** A Deployment looks again whenever one of its pods changes. */
  private ResourceEventHandler<Pod> podEvents() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        deploymentOf(pod).ifPresent(key -> later(key, Duration.ZERO));
      }

      @Override
      public void onUpdate(Pod before, Pod after) {
        deploymentOf(after).ifPresent(key -> later(key, Duration.ZERO));
      }

      @Override
      public void onDelete(Pod pod, boolean unknown) {
        deploymentOf(pod).ifPresent(key -> later(key, Duration.ZERO));
      }
    };
  }

  /** The Deployment of a pod its ReplicaSet ({@code <deployment>-<hash>}) owns. */
  private static Optional<String> deploymentOf(Pod pod) {
    var labels = pod.getMetadata().getLabels();
    String hash = labels == null ? null : labels.get(HASH);
    if (hash == null || pod.getMetadata().getOwnerReferences() == null) {
      return Optional.empty();
    }
    return pod.getMetadata().getOwnerReferences().stream()
        .filter(o -> "ReplicaSet".equals(o.getKind()) && o.getName().endsWith("-" + hash))
        .map(o -> o.getName().substring(0, o.getName().length() - hash.length() - 1))
        .map(name -> pod.getMetadata().getNamespace() + "/" + name)
        .findFirst();
  }

  private static String key(Deployment d) {
    return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
  }

  private void later(String key, Duration delay) {
    scheduler.schedule(() -> safely(key), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void safely(String key) {
    try {
      reconcile(key);
    } catch (KubernetesClientException e) {
      LOG.debug("sandbox: deployment {} changed under us: {}", key, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("sandbox: reconciling deployment {}: {}", key, e.toString());
    }
  }

  private void reconcile(String key) {
    String[] parts = key.split("/", 2);
    Deployment dep = client.apps().deployments().inNamespace(parts[0]).withName(parts[1]).get();
    if (dep == null) {
      return;
    }
    String ns = parts[0];
    String hash = hash(dep.getSpec().getTemplate());
    int want = dep.getSpec().getReplicas() == null ? 1 : dep.getSpec().getReplicas();
    long generation =
        dep.getMetadata().getGeneration() == null ? 1 : dep.getMetadata().getGeneration();
    Rollout previous = rollouts.get(key);
    Rollout rollout = previous;
    if (previous == null || !previous.hash().equals(hash) || previous.generation() != generation) {
      rollout = new Rollout(hash, generation, Instant.now());
      rollouts.put(key, rollout);
      if (dep.getSpec().getProgressDeadlineSeconds() != null) {
        // look again when the deadline passes, to report it if the rollout is still going
        later(key, Duration.ofSeconds(dep.getSpec().getProgressDeadlineSeconds()).plusMillis(100));
      }
    }
    ReplicaSet rs = ensureReplicaSet(dep, hash, want);
    Map<String, String> selector = dep.getSpec().getSelector().getMatchLabels();
    List<Pod> mine = new ArrayList<>();
    List<Pod> others = new ArrayList<>();
    for (Pod p : client.pods().inNamespace(ns).withLabels(selector).list().getItems()) {
      (hash.equals(p.getMetadata().getLabels().get(HASH)) ? mine : others).add(p);
    }
    for (int i = mine.size(); i < want; i++) {
      mine.add(client.pods().inNamespace(ns).resource(pods.forReplicaSet(rs)).create());
    }
    while (mine.size() > want) {
      Pod extra = mine.remove(mine.size() - 1);
      deletePod(extra);
    }
    long readyMine = mine.stream().filter(DeploymentController::isReady).count();
    if (readyMine >= want && !others.isEmpty()) {
      others.forEach(this::deletePod);
      others.clear();
      scaleOldReplicaSets(dep, hash);
    }
    writeStatus(dep, want, mine, others, rollout);
  }

  /** The ReplicaSet of the Deployment's current template, created or scaled to {@code want}. */
  private ReplicaSet ensureReplicaSet(Deployment dep, String hash, int want) {
    String ns = dep.getMetadata().getNamespace();
    String name = dep.getMetadata().getName() + "-" + hash;
    var rss = client.apps().replicaSets().inNamespace(ns);
    ReplicaSet existing = rss.withName(name).get();
    if (existing != null) {
      return Integer.valueOf(want).equals(existing.getSpec().getReplicas())
          ? existing
          : rss.withName(name)
              .edit(
                  rs -> new ReplicaSetBuilder(rs).editSpec().withReplicas(want).endSpec().build());
    }
    long revision =
        rss.withLabels(dep.getSpec().getSelector().getMatchLabels()).list().getItems().stream()
                .mapToLong(DeploymentController::revision)
                .max()
                .orElse(0)
            + 1;
    Map<String, String> labels =
        new LinkedHashMap<>(dep.getSpec().getTemplate().getMetadata().getLabels());
    labels.put(HASH, hash);
    Map<String, String> selector =
        new LinkedHashMap<>(dep.getSpec().getSelector().getMatchLabels());
    selector.put(HASH, hash);
    return rss.resource(
            new ReplicaSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withLabels(labels)
                .addToAnnotations(REVISION, Long.toString(revision))
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName(dep.getMetadata().getName())
                        .withUid(dep.getMetadata().getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .withNewSpec()
                .withReplicas(want)
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withTemplate(dep.getSpec().getTemplate())
                .endSpec()
                .build())
        .create();
  }

  private void scaleOldReplicaSets(Deployment dep, String hash) {
    var rss = client.apps().replicaSets().inNamespace(dep.getMetadata().getNamespace());
    for (ReplicaSet rs :
        rss.withLabels(dep.getSpec().getSelector().getMatchLabels()).list().getItems()) {
      if (!hash.equals(rs.getMetadata().getLabels().get(HASH))
          && !Integer.valueOf(0).equals(rs.getSpec().getReplicas())) {
        rss.withName(rs.getMetadata().getName())
            .edit(r -> new ReplicaSetBuilder(r).editSpec().withReplicas(0).endSpec().build());
      }
    }
  }

  private void deletePod(Pod pod) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .delete();
  }

  private void writeStatus(
      Deployment dep, int want, List<Pod> mine, List<Pod> others, Rollout rollout) {
    long ready =
        mine.stream().filter(DeploymentController::isReady).count()
            + others.stream().filter(DeploymentController::isReady).count();
    long readyMine = mine.stream().filter(DeploymentController::isReady).count();
    boolean complete = readyMine == want && others.isEmpty();
    boolean late =
        !complete
            && dep.getSpec().getProgressDeadlineSeconds() != null
            && Instant.now()
                .isAfter(rollout.started().plusSeconds(dep.getSpec().getProgressDeadlineSeconds()));
    String now = Instant.now().toString();
    List<DeploymentCondition> conditions = new ArrayList<>();
    conditions.add(
        new DeploymentConditionBuilder()
            .withType("Available")
            .withStatus(ready >= want ? "True" : "False")
            .withReason(ready >= want ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
            .withLastUpdateTime(now)
            .build());
    conditions.add(
        new DeploymentConditionBuilder()
            .withType("Progressing")
            .withStatus(late ? "False" : "True")
            .withReason(
                complete
                    ? "NewReplicaSetAvailable"
                    : late ? "ProgressDeadlineExceeded" : "ReplicaSetUpdated")
            .withMessage(late ? "ReplicaSet has timed out progressing." : null)
            .withLastUpdateTime(now)
            .build());
    client
        .apps()
        .deployments()
        .inNamespace(dep.getMetadata().getNamespace())
        .withName(dep.getMetadata().getName())
        .editStatus(
            d ->
                new DeploymentBuilder(d)
                    .editOrNewStatus()
                    .withObservedGeneration(dep.getMetadata().getGeneration())
                    .withReplicas(mine.size() + others.size())
                    .withUpdatedReplicas(mine.size())
                    .withReadyReplicas((int) ready)
                    .withAvailableReplicas((int) ready)
                    .withUnavailableReplicas((int) Math.max(0, want - ready))
                    .withConditions(conditions)
                    .endStatus()
                    .build());
  }

  /** A deleted Deployment: its ReplicaSets and pods go too (the garbage collector's part). */
  private void collect(Deployment dep) {
    rollouts.remove(key(dep));
    String ns = dep.getMetadata().getNamespace();
    Map<String, String> selector = dep.getSpec().getSelector().getMatchLabels();
    client.pods().inNamespace(ns).withLabels(selector).list().getItems().forEach(this::deletePod);
    client.apps().replicaSets().inNamespace(ns).withLabels(selector).delete();
  }

  static boolean isReady(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static long revision(ReplicaSet rs) {
    var a = rs.getMetadata().getAnnotations();
    try {
      return a == null ? 0 : Long.parseLong(a.getOrDefault(REVISION, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static String hash(PodTemplateSpec template) {
    try {
      byte[] json = Serialization.asJson(template).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(json))
          .substring(0, 10);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
