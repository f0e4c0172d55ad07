package dev.lanes.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kaniko of the local control plane ({@code bin/local-kube}). kwok plays the kubelet there, but
 * it cannot read a build's Dockerfile; this does, with the sandbox's own {@link KanikoWorkload},
 * and writes the outcome onto the build pod as annotations that kwok's Stages ({@code
 * kube/kwok-stages.yaml}) turn into the pod's end: {@value #EXIT_CODE}, {@value #MESSAGE} (the
 * termination message: the image digest, or why the build failed) and {@value #DURATION} (how long
 * the build lasts, the simulation's pauses added up, as a Go duration). So {@code RUN false} or a
 * missing Dockerfile fails a build on the real control plane exactly as on the sandbox.
 *
 * <p>The simulation's log lines are not served by {@code pods/log} there (kwok serves logs only
 * from files named in its configuration); see docs/cluster-fidelity.md.
 */
public final class KwokKaniko implements AutoCloseable {

  static final String EXIT_CODE = "kwok.lanes.dev/exit-code";
  static final String MESSAGE = "kwok.lanes.dev/message";
  static final String DURATION = "kwok.lanes.dev/duration";

  private static final Logger LOG = LoggerFactory.getLogger(KwokKaniko.class);

  private final KubernetesClient client;
  private final Duration step;
  private final ExecutorService workers = Executors.newFixedThreadPool(4);
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private SharedIndexInformer<Pod> informer;

  private KwokKaniko(KubernetesClient client, Duration step) {
    this.client = client;
    this.step = step;
  }

  /** Watches every namespace's pods and settles each Kaniko pod once. */
  public static KwokKaniko start(KubernetesClient client, Duration step) {
    KwokKaniko kaniko = new KwokKaniko(client, step);
    kaniko.informer = client.pods().inAnyNamespace().inform(kaniko.handler(), 0);
    return kaniko;
  }

  private ResourceEventHandler<Pod> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        consider(pod);
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
        consider(pod);
      }

      @Override
      public void onDelete(Pod pod, boolean unknownFinalState) {
        seen.remove(pod.getMetadata().getUid());
      }
    };
  }

  private void consider(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    if (pod.getMetadata().getDeletionTimestamp() != null
        || (annotations != null && annotations.containsKey(EXIT_CODE))) {
      return;
    }
    Optional<Container> kaniko =
        pod.getSpec().getContainers().stream().filter(KanikoWorkload::isKaniko).findFirst();
    if (kaniko.isPresent() && seen.add(pod.getMetadata().getUid())) {
      workers.execute(() -> settle(pod, kaniko.get()));
    }
  }

  private void settle(Pod pod, Container container) {
    String where = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    Simulation run = new Simulation(step);
    try {
      Workload.Outcome outcome = new KanikoWorkload().run(container, run);
      String patch =
          Serialization.asJson(
              Map.of(
                  "metadata",
                  Map.of(
                      "annotations",
                      Map.of(
                          EXIT_CODE, Integer.toString(outcome.exitCode()),
                          MESSAGE, outcome.message(),
                          DURATION, run.elapsed.toMillis() + "ms"))));
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      LOG.info(
          "{}: exit {} after {} ({} log lines)",
          where,
          outcome.exitCode(),
          run.elapsed,
          run.lines.size());
    } catch (KubernetesClientException e) {
      // the pod went meanwhile (cancelled build): nothing to settle
      LOG.info("{}: not settled: {}", where, e.getMessage());
      seen.remove(pod.getMetadata().getUid());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A run that waits for nothing: it adds the pauses up, kwok waits them out. */
  private static final class Simulation implements Workload.Run {
    private final Duration step;
    private final List<String> lines = new ArrayList<>();
    private Duration elapsed = Duration.ZERO;

    Simulation(Duration step) {
      this.step = step;
    }

    @Override
    public void log(String line) {
      lines.add(line);
    }

    @Override
    public void pause(Duration duration) {
      elapsed = elapsed.plus(duration);
    }

    @Override
    public Duration step() {
      return step;
    }
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    workers.shutdownNow();
  }

  /**
   * {@code KwokKaniko <kubeconfig>}: runs until stopped. {@code KWOK_KANIKO_STEP} is the pause
   * between two steps of a build (a Java duration, default PT0.2S).
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: KwokKaniko <kubeconfig>");
      System.exit(2);
    }
    Duration step =
        Duration.parse(Optional.ofNullable(System.getenv("KWOK_KANIKO_STEP")).orElse("PT0.2S"));
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(Path.of(args[0]))))
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    KwokKaniko kaniko = start(client, step);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kaniko.close();
                  client.close();
                  stopped.countDown();
                }));
    LOG.info("settling Kaniko build pods (a step every {})", step);
    stopped.await();
  }
}
