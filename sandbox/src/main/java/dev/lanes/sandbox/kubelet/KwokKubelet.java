package dev.lanes.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * What a kubelet does on the local control plane ({@code bin/local-kube}) that kwok cannot: run a
 * container's simulation. kwok moves pods through their phases by its Stages ({@code
 * kube/kwok-stages.yaml}); this, beside it, gives each pod what only its workload knows:
 *
 * <ul>
 *   <li>a build pod's outcome: the sandbox's own {@link KanikoWorkload} or {@link BuildKitWorkload}
 *       reads the Dockerfile at the pinned commit, and its end is written onto the pod as
 *       annotations that kwok's Stages turn into the pod's end: {@value #EXIT_CODE}, {@value
 *       #MESSAGE} (the termination message: the image digest, or why the build failed) and {@value
 *       #DURATION} (the simulation's pauses added up, as a Go duration). So {@code RUN false} or a
 *       missing Dockerfile fails a build there exactly as on the sandbox;
 *   <li>every pod's log, in the CRI log format kubelets write, in a file under the logs directory,
 *       and a kwok {@code Logs} object naming it, so that {@code pods/log} (kubectl logs, Lanes'
 *       build and app logs) answers through the API server and kwok, as from a kubelet. An app pod
 *       logs what the sandbox's app pods log (docs/sandbox.md).
 * </ul>
 */
public final class KwokKubelet implements AutoCloseable {

  static final String EXIT_CODE = "kwok.lanes.dev/exit-code";
  static final String MESSAGE = "kwok.lanes.dev/message";
  static final String DURATION = "kwok.lanes.dev/duration";

  private static final Logger LOG = LoggerFactory.getLogger(KwokKubelet.class);
  private static final ResourceDefinitionContext LOGS =
      new ResourceDefinitionContext.Builder()
          .withGroup("kwok.x-k8s.io")
          .withVersion("v1alpha1")
          .withKind("Logs")
          .withPlural("logs")
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;
  private final Duration step;
  private final Path logs;
  private final ExecutorService workers = Executors.newFixedThreadPool(4);
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private SharedIndexInformer<Pod> informer;

  private KwokKubelet(KubernetesClient client, Duration step, Path logs) {
    this.client = client;
    this.step = step;
    this.logs = logs;
  }

  /** Watches every namespace's pods and gives each, once, its log and (a build's) its outcome. */
  public static KwokKubelet start(KubernetesClient client, Duration step, Path logs) {
    KwokKubelet kubelet = new KwokKubelet(client, step, logs);
    kubelet.informer = client.pods().inAnyNamespace().inform(kubelet.handler(), 0);
    return kubelet;
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
        workers.execute(() -> forget(pod));
      }
    };
  }

  private void consider(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    if (pod.getMetadata().getDeletionTimestamp() != null
        || (annotations != null && annotations.containsKey(EXIT_CODE))
        || pod.getSpec().getContainers().isEmpty()) {
      return;
    }
    if (seen.add(pod.getMetadata().getUid())) {
      workers.execute(() -> settle(pod));
    }
  }

  private void settle(Pod pod) {
    String where = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    Container container = pod.getSpec().getContainers().get(0);
    Simulation run = new Simulation(step);
    try {
      Optional<Workload.Outcome> outcome = Optional.empty();
      // an SSH build's init container clones first; its failure is the pod's
      Optional<Workload.Outcome> init = new GitCloneWorkload(client).runInitContainers(pod, run);
      Optional<Workload> build = Workload.ofBuild(container);
      if (init.isPresent()) {
        outcome = init;
      } else if (build.isPresent()) {
        outcome = Optional.of(runBuild(pod, container, build.get(), run));
      } else {
        appLog(container, run);
      }
      writeLogs(pod, container, run.lines);
      if (outcome.isPresent()) {
        annotate(pod, outcome.get(), run.elapsed);
      }
      LOG.info(
          "{}: {} log lines{}",
          where,
          run.lines.size(),
          outcome.map(o -> ", exit " + o.exitCode() + " after " + run.elapsed).orElse(""));
    } catch (KubernetesClientException | IOException e) {
      // the pod went meanwhile (a cancelled build, a scaled-down Deployment): nothing to settle
      LOG.info("{}: not settled: {}", where, e.getMessage());
      seen.remove(pod.getMetadata().getUid());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      run.scratch.close();
    }
  }

  private Workload.Outcome runBuild(Pod pod, Container container, Workload workload, Simulation run)
      throws InterruptedException {
    try {
      run.env = ContainerEnv.resolve(client, pod.getMetadata().getNamespace(), container);
    } catch (ContainerEnv.ConfigException e) {
      // a kubelet would keep the pod waiting; the simulation ends it at once, saying why
      return Workload.Outcome.configError(e.getMessage());
    }
    return workload.run(container, run);
  }

  /**
   * What the sandbox's app pods log ({@link AppContainer}), up to where kwok's Stages take over.
   */
  private static void appLog(Container container, Simulation run) {
    AppContainer app = AppContainer.of(container);
    if (app.pullFails()) {
      return; // the container never starts
    }
    app.startLines().forEach(run::log);
    if (app.crashes()) {
      run.log(app.crashLine());
    } else if (app.neverReady()) {
      run.log(app.notReadyLine());
    } else {
      app.listeningLine().ifPresent(run::log);
    }
  }

  /** The log file, in the CRI format kwok reads, and the kwok Logs object that names it. */
  private void writeLogs(Pod pod, Container container, List<String> lines) throws IOException {
    Path file = logFile(pod).resolve(container.getName() + ".log");
    Files.createDirectories(file.getParent());
    StringBuilder cri = new StringBuilder();
    Instant at = Instant.now();
    for (String line : lines) {
      cri.append(at).append(" stdout F ").append(line).append('\n');
    }
    Files.writeString(file, cri.toString(), StandardCharsets.UTF_8);
    GenericKubernetesResource logsObject =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("kwok.x-k8s.io/v1alpha1")
            .withKind("Logs")
            .withNewMetadata()
            .withName(pod.getMetadata().getName())
            .withNamespace(pod.getMetadata().getNamespace())
            .endMetadata()
            .addToAdditionalProperties(
                "spec",
                Map.of(
                    "logs",
                    List.of(
                        Map.of(
                            "containers",
                            List.of(container.getName()),
                            "logsFile",
                            file.toString(),
                            "follow",
                            false))))
            .build();
    client.genericKubernetesResources(LOGS).resource(logsObject).createOr(r -> r.update());
  }

  private void annotate(Pod pod, Workload.Outcome outcome, Duration elapsed) {
    String patch =
        Serialization.asJson(
            Map.of(
                "metadata",
                Map.of(
                    "annotations",
                    Map.of(
                        EXIT_CODE, Integer.toString(outcome.exitCode()),
                        MESSAGE, outcome.message(),
                        DURATION, elapsed.toMillis() + "ms"))));
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  /** A deleted pod's Logs object and file go with it. */
  private void forget(Pod pod) {
    try {
      client
          .genericKubernetesResources(LOGS)
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .delete();
      Path dir = logFile(pod);
      if (Files.isDirectory(dir)) {
        try (var files = Files.list(dir)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f);
          }
        }
        Files.deleteIfExists(dir);
      }
    } catch (KubernetesClientException | IOException e) {
      LOG.debug("forgetting {}: {}", pod.getMetadata().getName(), e.getMessage());
    }
  }

  private Path logFile(Pod pod) {
    return logs.resolve(
        pod.getMetadata().getNamespace()
            + "_"
            + pod.getMetadata().getName()
            + "_"
            + pod.getMetadata().getUid());
  }

  /** A run that waits for nothing: it adds the pauses up, kwok waits them out. */
  private static final class Simulation implements Workload.Run {
    private final Duration step;
    private final List<String> lines = new ArrayList<>();
    private Duration elapsed = Duration.ZERO;
    private Map<String, String> env = Map.of();
    private final PodScratch scratch = new PodScratch();

    @Override
    public Map<String, String> env() {
      return env;
    }

    @Override
    public PodScratch scratch() {
      return scratch;
    }

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
   * {@code KwokKubelet <kubeconfig> <logs directory>}: runs until stopped. {@code
   * KWOK_KUBELET_STEP} is the pause between two steps of a build (a Java duration, default PT0.2S).
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: KwokKubelet <kubeconfig> <logs directory>");
      System.exit(2);
    }
    Duration step =
        Duration.parse(Optional.ofNullable(System.getenv("KWOK_KUBELET_STEP")).orElse("PT0.2S"));
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(Path.of(args[0]))))
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    KwokKubelet kubelet = start(client, step, Path.of(args[1]).toAbsolutePath());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kubelet.close();
                  client.close();
                  stopped.countDown();
                }));
    LOG.info("simulating workloads for kwok's pods (a build step every {})", step);
    stopped.await();
  }
}
