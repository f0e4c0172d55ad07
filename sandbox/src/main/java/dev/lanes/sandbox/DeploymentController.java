package dev.lanes.sandbox;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
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
 * The sandbox's Deployment controller and kubelet for app pods. For each Deployment it keeps a
 * ReplicaSet per pod template (named and labelled with the template's hash, revision-annotated as
 * Kubernetes does), brings the new ReplicaSet's pods up (Pending, then Running, then Ready: after a
 * step more when there is a readiness probe), removes the old pods once the new ones are ready, and
 * writes the Deployment's status: observed generation, replicas, updated, ready and available
 * replicas, and the Available and Progressing conditions, including {@code
 * ProgressDeadlineExceeded} when a rollout does not finish within {@code progressDeadlineSeconds}.
 *
 * <p>Rollouts fail on purpose with an env var on the container: {@code SANDBOX_CRASH} (the
 * container exits at start, {@code CrashLoopBackOff}), {@code SANDBOX_IMAGE_PULL_ERROR} ({@code
 * ErrImagePull}, then {@code ImagePullBackOff}), {@code SANDBOX_NOT_READY} (runs, never ready).
 */
final class DeploymentController {

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentController.class);
  static final String HASH = "pod-template-hash";
  static final String REVISION = "deployment.kubernetes.io/revision";

  private final KubernetesClient client;
  private final PodLogStore logs;
  private final ScheduledExecutorService scheduler;
  private final Duration step;
  private final Map<String, Rollout> rollouts = new ConcurrentHashMap<>();
  private final Map<String, PodRun> runs = new ConcurrentHashMap<>();
  private SharedIndexInformer<Deployment> informer;

  /** A rollout under way: which template, since when. */
  private record Rollout(String hash, long generation, Instant started) {}

  /** Where a simulated container is in its life. */
  private static final class PodRun {
    final String namespace;
    final String name;
    final String deployment;
    int restarts;

    PodRun(String namespace, String name, String deployment) {
      this.namespace = namespace;
      this.name = name;
      this.deployment = deployment;
    }
  }

  DeploymentController(
      KubernetesClient client,
      PodLogStore logs,
      ScheduledExecutorService scheduler,
      Duration step) {
    this.client = client;
    this.logs = logs;
    this.scheduler = scheduler;
    this.step = step;
  }

  void start() {
    informer =
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
                0);
  }

  void close() {
    if (informer != null) {
      informer.close();
    }
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
    ensureReplicaSet(dep, hash, want);
    Map<String, String> selector = dep.getSpec().getSelector().getMatchLabels();
    List<Pod> pods = client.pods().inNamespace(ns).withLabels(selector).list().getItems();
    List<Pod> mine = new ArrayList<>();
    List<Pod> others = new ArrayList<>();
    for (Pod p : pods) {
      (hash.equals(p.getMetadata().getLabels().get(HASH)) ? mine : others).add(p);
    }
    for (int i = mine.size(); i < want; i++) {
      mine.add(createPod(dep, hash));
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

  private void ensureReplicaSet(Deployment dep, String hash, int want) {
    String ns = dep.getMetadata().getNamespace();
    String name = dep.getMetadata().getName() + "-" + hash;
    var rss = client.apps().replicaSets().inNamespace(ns);
    ReplicaSet existing = rss.withName(name).get();
    if (existing != null) {
      if (!Integer.valueOf(want).equals(existing.getSpec().getReplicas())) {
        rss.withName(name)
            .edit(rs -> new ReplicaSetBuilder(rs).editSpec().withReplicas(want).endSpec().build());
      }
      return;
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
    rss.resource(
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

  private Pod createPod(Deployment dep, String hash) {
    String ns = dep.getMetadata().getNamespace();
    String name = dep.getMetadata().getName() + "-" + hash + "-" + PodFactory.suffix(5);
    Map<String, String> labels =
        new LinkedHashMap<>(dep.getSpec().getTemplate().getMetadata().getLabels());
    labels.put(HASH, hash);
    Pod pod =
        client
            .pods()
            .inNamespace(ns)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(ns)
                    .withLabels(labels)
                    .withAnnotations(dep.getSpec().getTemplate().getMetadata().getAnnotations())
                    .withOwnerReferences(
                        new OwnerReferenceBuilder()
                            .withApiVersion("apps/v1")
                            .withKind("ReplicaSet")
                            .withName(dep.getMetadata().getName() + "-" + hash)
                            .withController(true)
                            .build())
                    .endMetadata()
                    .withSpec(dep.getSpec().getTemplate().getSpec())
                    .withNewStatus()
                    .withPhase("Pending")
                    .endStatus()
                    .build())
            .create();
    PodRun run = new PodRun(ns, name, key(dep));
    runs.put(ns + "/" + name, run);
    update(
        run, p -> status(p, "Pending", PodFactory.waiting("ContainerCreating", null), false, null));
    scheduler.schedule(() -> start(run), step.toMillis(), TimeUnit.MILLISECONDS);
    return pod;
  }

  /** The container comes up, or fails to. */
  private void start(PodRun run) {
    Pod pod = pod(run);
    if (pod == null) {
      return;
    }
    Map<String, String> env = env(pod);
    if (env.containsKey("SANDBOX_IMAGE_PULL_ERROR")) {
      String image = pod.getSpec().getContainers().get(0).getImage();
      update(
          run,
          p ->
              status(
                  p,
                  "Pending",
                  PodFactory.waiting(
                      "ErrImagePull",
                      "rpc error: code = NotFound desc = failed to pull and unpack image \""
                          + image
                          + "\": not found"),
                  false,
                  null));
      scheduler.schedule(
          () ->
              update(
                  run,
                  p ->
                      status(
                          p,
                          "Pending",
                          PodFactory.waiting(
                              "ImagePullBackOff", "Back-off pulling image \"" + image + "\""),
                          false,
                          null)),
          step.toMillis(),
          TimeUnit.MILLISECONDS);
      return;
    }
    String since = Instant.now().toString();
    logs.started(run.namespace, run.name);
    logs.append(
        run.namespace,
        run.name,
        "sandbox: started " + pod.getSpec().getContainers().get(0).getImage());
    logs.append(
        run.namespace,
        run.name,
        "starting "
            + env.getOrDefault("APP_NAME", "app")
            + " "
            + env.getOrDefault("VERSION", "")
            + " in lane "
            + env.getOrDefault("LANE", "?"));
    if (env.containsKey("SANDBOX_CRASH")) {
      crash(run);
      return;
    }
    update(run, p -> status(p, "Running", PodFactory.running(since), false, null));
    boolean probe = pod.getSpec().getContainers().get(0).getReadinessProbe() != null;
    if (env.containsKey("SANDBOX_NOT_READY")) {
      logs.append(
          run.namespace,
          run.name,
          "sandbox: SANDBOX_NOT_READY is set: the readiness probe keeps failing");
      return;
    }
    scheduler.schedule(
        () -> {
          port(pod)
              .ifPresent(port -> logs.append(run.namespace, run.name, "listening on :" + port));
          update(run, p -> status(p, "Running", PodFactory.running(since), true, null));
          later(run.deployment, Duration.ZERO);
        },
        probe ? step.toMillis() : 0,
        TimeUnit.MILLISECONDS);
  }

  /** The container exits at start, again and again, with a growing back-off. */
  private void crash(PodRun run) {
    run.restarts++;
    String at = Instant.now().toString();
    logs.append(run.namespace, run.name, "panic: SANDBOX_CRASH is set: exiting at start-up");
    var last = PodFactory.terminated(1, "Error", "panic: SANDBOX_CRASH is set", at);
    update(
        run,
        p ->
            status(
                p,
                "Running",
                PodFactory.waiting("CrashLoopBackOff", "back-off restarting failed container"),
                false,
                last,
                run.restarts));
    long backoff = step.toMillis() * Math.min(8, 1L << Math.min(3, run.restarts));
    scheduler.schedule(
        () -> {
          if (pod(run) != null) {
            crash(run);
          }
        },
        backoff,
        TimeUnit.MILLISECONDS);
  }

  private static Optional<Integer> port(Pod pod) {
    var ports = pod.getSpec().getContainers().get(0).getPorts();
    return ports == null || ports.isEmpty()
        ? Optional.empty()
        : Optional.of(ports.get(0).getContainerPort());
  }

  private Pod status(
      Pod p,
      String phase,
      io.fabric8.kubernetes.api.model.ContainerState state,
      boolean ready,
      io.fabric8.kubernetes.api.model.ContainerState last) {
    PodRun run = runs.get(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName());
    return status(p, phase, state, ready, last, run == null ? 0 : run.restarts);
  }

  private static Pod status(
      Pod p,
      String phase,
      io.fabric8.kubernetes.api.model.ContainerState state,
      boolean ready,
      io.fabric8.kubernetes.api.model.ContainerState last,
      int restarts) {
    String ip =
        p.getStatus() != null && p.getStatus().getPodIP() != null
            ? p.getStatus().getPodIP()
            : "Pending".equals(phase) ? null : PodFactory.nextIp();
    return new PodBuilder(p)
        .editOrNewStatus()
        .withPhase(phase)
        .withPodIP(ip)
        .withStartTime(
            p.getStatus() != null && p.getStatus().getStartTime() != null
                ? p.getStatus().getStartTime()
                : Instant.now().toString())
        .withConditions(
            new PodConditionBuilder()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .build())
        .withContainerStatuses(PodFactory.status(p, state, ready, restarts, last))
        .endStatus()
        .build();
  }

  private void update(PodRun run, java.util.function.UnaryOperator<Pod> change) {
    try {
      client.pods().inNamespace(run.namespace).withName(run.name).editStatus(change);
      later(run.deployment, Duration.ZERO);
    } catch (KubernetesClientException e) {
      LOG.debug("sandbox: pod {} is gone: {}", run.name, e.getMessage());
    }
  }

  private Pod pod(PodRun run) {
    return client.pods().inNamespace(run.namespace).withName(run.name).get();
  }

  private void deletePod(Pod pod) {
    runs.remove(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
    logs.remove(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
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

  private static Map<String, String> env(Pod pod) {
    Map<String, String> env = new LinkedHashMap<>();
    List<EnvVar> vars = pod.getSpec().getContainers().get(0).getEnv();
    if (vars != null) {
      vars.forEach(v -> env.put(v.getName(), v.getValue()));
    }
    return env;
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
