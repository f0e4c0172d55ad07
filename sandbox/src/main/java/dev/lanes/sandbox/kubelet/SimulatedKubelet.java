package dev.lanes.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's kubelet for its one node, and the only thing in the sandbox that moves a pod
 * through its life. It runs the pods bound to its node ({@code spec.nodeName}: there is no
 * scheduler, the controllers bind the pods they create) and writes their status, a step at a time:
 *
 * <ul>
 *   <li>accepted: {@code Pending}, the container {@code ContainerCreating};
 *   <li>a step later the container starts. A pod that runs to completion ({@code restartPolicy}
 *       {@code Never} or {@code OnFailure}: a Job's) runs its {@link Workload} and ends {@code
 *       Succeeded} or {@code Failed} with the workload's exit code and termination message; past
 *       the pod's {@code activeDeadlineSeconds} it is stopped and ends {@code Failed}, {@code
 *       DeadlineExceeded};
 *   <li>any other pod (an app's) does what its {@link AppContainer} says: {@code Running}, then
 *       ready (a step later when it has a readiness probe); or {@code ErrImagePull}, then {@code
 *       ImagePullBackOff}; or {@code CrashLoopBackOff} with a growing back-off; or running and
 *       never ready.
 * </ul>
 *
 * <p>A running pod has an address from 10.244.0.0/16. Containers write their logs to the {@link
 * PodLogStore}; a deleted pod's container is stopped and its log removed. The pod's state lives on
 * one thread; workloads run on their own.
 */
public final class SimulatedKubelet implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedKubelet.class);
  private static final AtomicInteger NEXT_IP = new AtomicInteger(1);

  private final KubernetesClient client;
  private final GitCloneWorkload clones;
  private final String node;
  private final PodLogStore logs;
  private final Duration step;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> thread(r, "sandbox-kubelet"));
  private final ExecutorService containers =
      Executors.newCachedThreadPool(r -> thread(r, "sandbox-container"));

  /** The pods this kubelet runs, by namespace/name; used on the scheduler's thread only. */
  private final Map<String, PodRun> runs = new HashMap<>();

  private SharedIndexInformer<Pod> informer;

  /** A pod this kubelet runs: where its container is in its life. */
  private static final class PodRun {
    final String namespace;
    final String name;
    final String uid;
    final Pod pod;
    final Container container;
    final boolean toCompletion;
    final String acceptedAt;
    String ip;
    int restarts;
    Future<?> workload;
    boolean ended;

    PodRun(Pod pod, String acceptedAt) {
      this.namespace = pod.getMetadata().getNamespace();
      this.name = pod.getMetadata().getName();
      this.uid = pod.getMetadata().getUid();
      this.pod = pod;
      this.container = pod.getSpec().getContainers().get(0);
      String policy = pod.getSpec().getRestartPolicy();
      this.toCompletion = "Never".equals(policy) || "OnFailure".equals(policy);
      this.acceptedAt = acceptedAt;
    }
  }

  private SimulatedKubelet(KubernetesClient client, String node, PodLogStore logs, Duration step) {
    this.client = client;
    this.clones = new GitCloneWorkload(client);
    this.node = node;
    this.logs = logs;
    this.step = step;
  }

  /** Runs the pods bound to {@code node}, each step of their lives {@code step} apart. */
  public static SimulatedKubelet start(
      KubernetesClient client, String node, PodLogStore logs, Duration step) {
    SimulatedKubelet kubelet = new SimulatedKubelet(client, node, logs, step);
    kubelet.informer = client.pods().inAnyNamespace().inform(kubelet.handler(), 0);
    return kubelet;
  }

  private static Thread thread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private ResourceEventHandler<Pod> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        scheduler.execute(() -> admit(pod));
      }

      @Override
      public void onUpdate(Pod before, Pod after) {}

      @Override
      public void onDelete(Pod pod, boolean unknownFinalState) {
        scheduler.execute(() -> forget(pod));
      }
    };
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /** A new pod bound to this node, that no kubelet has run yet, is accepted. */
  private void admit(Pod pod) {
    String key = key(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    boolean hasRun =
        pod.getStatus() != null
            && pod.getStatus().getContainerStatuses() != null
            && !pod.getStatus().getContainerStatuses().isEmpty();
    if (!node.equals(pod.getSpec().getNodeName())
        || pod.getSpec().getContainers().isEmpty()
        || runs.containsKey(key)
        || hasRun) {
      return;
    }
    PodRun run = new PodRun(pod, Instant.now().toString());
    runs.put(key, run);
    write(run, PodState.creating());
    later(run, step, () -> start(run));
    Long deadline = pod.getSpec().getActiveDeadlineSeconds();
    if (deadline != null) {
      later(run, Duration.ofSeconds(deadline), () -> deadlineExceeded(run, deadline));
    }
  }

  /** Does {@code action} after {@code delay}, unless the pod has ended or gone meanwhile. */
  private void later(PodRun run, Duration delay, Runnable action) {
    scheduler.schedule(
        () -> {
          if (run.ended || runs.get(key(run.namespace, run.name)) != run) {
            return;
          }
          try {
            action.run();
          } catch (RuntimeException e) {
            LOG.warn("sandbox: pod {}/{}: {}", run.namespace, run.name, e.toString());
          }
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void start(PodRun run) {
    if (run.toCompletion) {
      runToCompletion(run);
    } else {
      startApp(run, AppContainer.of(run.container));
    }
  }

  /** A Job's container: it runs its workload, which decides how it ends. */
  private void runToCompletion(PodRun run) {
    logs.started(run.namespace, run.name);
    run.ip = nextIp();
    write(run, PodState.running(Instant.now().toString(), true));
    Workload workload = Workload.of(run.container);
    run.workload =
        containers.submit(
            () -> {
              Workload.Outcome outcome;
              try {
                Map<String, String> env =
                    ContainerEnv.resolve(client, run.namespace, run.container);
                ContainerRun log = new ContainerRun(run.namespace, run.name, env);
                // an SSH build's init container clones first; its failure is the pod's
                Optional<Workload.Outcome> init = clones.runInitContainers(run.pod, log);
                try (PodScratch volumes = log.scratch()) {
                  outcome = init.isPresent() ? init.get() : workload.run(run.container, log);
                }
              } catch (ContainerEnv.ConfigException e) {
                // a kubelet would keep the pod waiting; the sandbox ends it at once, saying why
                outcome = Workload.Outcome.configError(e.getMessage());
              } catch (InterruptedException e) {
                return; // stopped: whoever stopped it records why
              } catch (RuntimeException e) {
                outcome = Workload.Outcome.failed("sandbox: " + e);
              }
              Workload.Outcome done = outcome;
              later(run, Duration.ZERO, () -> end(run, done, null));
            });
  }

  /** Records how the container ended; {@code reason} says why the kubelet ended it, or null. */
  private void end(PodRun run, Workload.Outcome outcome, String reason) {
    run.ended = true;
    write(run, PodState.ended(outcome, Instant.now().toString(), reason));
  }

  private void deadlineExceeded(PodRun run, long seconds) {
    if (run.workload != null) {
      run.workload.cancel(true);
    }
    LOG.info("sandbox: pod {}/{} exceeded its deadline of {} s", run.namespace, run.name, seconds);
    end(run, new Workload.Outcome(137, "DeadlineExceeded", ""), "DeadlineExceeded");
  }

  /** An app's container comes up, or fails to. */
  private void startApp(PodRun run, AppContainer app) {
    if (app.pullFails()) {
      write(run, PodState.pullFailed(app.image(), false));
      later(run, step, () -> write(run, PodState.pullFailed(app.image(), true)));
      return;
    }
    logs.started(run.namespace, run.name);
    app.startLines().forEach(line -> log(run, line));
    run.ip = nextIp();
    if (app.crashes()) {
      crash(run, app);
      return;
    }
    String since = Instant.now().toString();
    write(run, PodState.running(since, false));
    if (app.neverReady()) {
      log(run, app.notReadyLine());
      return;
    }
    boolean probe = run.container.getReadinessProbe() != null;
    later(
        run,
        probe ? step : Duration.ZERO,
        () -> {
          app.listeningLine().ifPresent(line -> log(run, line));
          write(run, PodState.running(since, true));
        });
  }

  /** The container exits at start, again and again, with a growing back-off. */
  private void crash(PodRun run, AppContainer app) {
    run.restarts++;
    log(run, app.crashLine());
    var last =
        PodState.terminated(
            Workload.Outcome.failed("panic: SANDBOX_CRASH is set"), Instant.now().toString());
    write(run, PodState.crashLooping(run.restarts, last));
    long backoff = step.toMillis() * Math.min(8, 1L << Math.min(3, run.restarts));
    later(run, Duration.ofMillis(backoff), () -> crash(run, app));
  }

  /** A deleted pod: its container is stopped and its log removed. */
  private void forget(Pod pod) {
    String key = key(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    PodRun run = runs.get(key);
    if (run != null && run.uid != null && run.uid.equals(pod.getMetadata().getUid())) {
      runs.remove(key);
      if (run.workload != null) {
        run.workload.cancel(true);
      }
    }
    logs.remove(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
  }

  private void write(PodRun run, PodState state) {
    try {
      client
          .pods()
          .inNamespace(run.namespace)
          .withName(run.name)
          .editStatus(
              p -> new PodBuilder(p).withStatus(state.status(p, run.ip, run.acceptedAt)).build());
    } catch (KubernetesClientException e) {
      LOG.debug("sandbox: pod {}/{} is gone: {}", run.namespace, run.name, e.getMessage());
    }
  }

  private void log(PodRun run, String line) {
    logs.append(run.namespace, run.name, line);
  }

  /** A pod address from 10.244.0.0/16, unique in this process. */
  private static String nextIp() {
    int n = NEXT_IP.getAndIncrement();
    return "10.244." + ((n >> 8) & 0xff) + "." + (n & 0xff);
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    scheduler.shutdownNow();
    containers.shutdownNow();
  }

  /** The container's view of its simulated run. */
  private final class ContainerRun implements Workload.Run {
    private final String namespace;
    private final String pod;
    private final Map<String, String> env;
    private final PodScratch scratch = new PodScratch();

    ContainerRun(String namespace, String pod, Map<String, String> env) {
      this.namespace = namespace;
      this.pod = pod;
      this.env = env;
    }

    @Override
    public PodScratch scratch() {
      return scratch;
    }

    @Override
    public Map<String, String> env() {
      return env;
    }

    @Override
    public void log(String line) {
      logs.append(namespace, pod, line);
    }

    @Override
    public void pause(Duration duration) throws InterruptedException {
      Thread.sleep(duration.toMillis());
    }

    @Override
    public Duration step() {
      return step;
    }
  }
}
