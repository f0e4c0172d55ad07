package dev.lanes.sandbox;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sandbox has instead of a kubelet and the controllers: it watches Jobs, gives each a Pod
 * that goes Pending → Running → Succeeded or Failed, runs a simulated {@link Workload} that writes
 * the container's log, enforces {@code activeDeadlineSeconds}, removes finished Jobs after {@code
 * ttlSecondsAfterFinished}, and deletes the Pods of a deleted Job (the garbage collector's part).
 */
public final class SimulatedKubelet implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedKubelet.class);
  static final String JOB_NAME_LABEL = "job-name";

  private final KubernetesClient client;
  private final PodLogStore logs;
  private final Duration step;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> thread(r, "sandbox-kubelet"));
  private final ExecutorService containers =
      Executors.newCachedThreadPool(r -> thread(r, "sandbox-container"));
  private final Map<String, Future<?>> running = new ConcurrentHashMap<>();
  private SharedIndexInformer<Job> jobs;
  private DeploymentController deployments;
  private EndpointSliceController endpoints;

  public SimulatedKubelet(KubernetesClient client, PodLogStore logs, Duration step) {
    this.client = client;
    this.logs = logs;
    this.step = step;
  }

  private static Thread thread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  public SimulatedKubelet start() {
    deployments = new DeploymentController(client, logs, scheduler, step);
    deployments.start();
    endpoints = new EndpointSliceController(client, scheduler);
    endpoints.start();
    jobs =
        client
            .batch()
            .v1()
            .jobs()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Job job) {
                    scheduler.schedule(() -> admit(job), step.toMillis(), TimeUnit.MILLISECONDS);
                  }

                  @Override
                  public void onUpdate(Job before, Job after) {}

                  @Override
                  public void onDelete(Job job, boolean unknownFinalState) {
                    scheduler.execute(() -> collect(job));
                  }
                },
                0);
    return this;
  }

  private static String key(Job job) {
    return job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
  }

  /** A new Job gets its Pod, Pending. */
  private void admit(Job job) {
    if (job.getStatus() != null && job.getStatus().getStartTime() != null) {
      return; // already run (the informer's initial list after a restart)
    }
    String ns = job.getMetadata().getNamespace();
    String podName = job.getMetadata().getName() + "-" + suffix();
    Map<String, String> labels = new LinkedHashMap<>();
    if (job.getSpec().getTemplate().getMetadata() != null
        && job.getSpec().getTemplate().getMetadata().getLabels() != null) {
      labels.putAll(job.getSpec().getTemplate().getMetadata().getLabels());
    }
    labels.put(JOB_NAME_LABEL, job.getMetadata().getName());
    labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
    try {
      Pod pod =
          client
              .pods()
              .inNamespace(ns)
              .resource(
                  new PodBuilder()
                      .withNewMetadata()
                      .withName(podName)
                      .withNamespace(ns)
                      .withLabels(labels)
                      .withOwnerReferences(
                          new OwnerReferenceBuilder()
                              .withApiVersion("batch/v1")
                              .withKind("Job")
                              .withName(job.getMetadata().getName())
                              .withUid(job.getMetadata().getUid())
                              .withController(true)
                              .build())
                      .endMetadata()
                      .withSpec(job.getSpec().getTemplate().getSpec())
                      .withNewStatus()
                      .withPhase("Pending")
                      .withContainerStatuses(waiting(job, "ContainerCreating"))
                      .endStatus()
                      .build())
              .create();
      Instant start = Instant.now();
      editJob(
          job,
          j ->
              new JobBuilder(j)
                  .editOrNewStatus()
                  .withStartTime(start.toString())
                  .withActive(1)
                  .endStatus()
                  .build());
      scheduleDeadline(job, start);
      scheduler.schedule(() -> startContainer(job, pod), step.toMillis(), TimeUnit.MILLISECONDS);
    } catch (KubernetesClientException e) {
      LOG.warn("sandbox: cannot start job {}: {}", key(job), e.getMessage());
    }
  }

  private void startContainer(Job job, Pod pod) {
    if (isGone(job)) {
      return;
    }
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    logs.started(ns, name);
    String started = Instant.now().toString();
    editPod(
        pod,
        p ->
            new PodBuilder(p)
                .editOrNewStatus()
                .withPhase("Running")
                .withStartTime(started)
                .withContainerStatuses(
                    status(
                        p,
                        new ContainerStateBuilder()
                            .withNewRunning()
                            .withStartedAt(started)
                            .endRunning()
                            .build(),
                        true))
                .endStatus()
                .build());
    var container = pod.getSpec().getContainers().get(0);
    Workload workload = Workload.of(container);
    running.put(
        key(job),
        containers.submit(
            () -> {
              Workload.Outcome outcome;
              try {
                outcome = workload.run(container, new ContainerRun(ns, name));
              } catch (InterruptedException e) {
                return; // killed: whoever killed it records why
              } catch (RuntimeException e) {
                outcome = Workload.Outcome.failed("sandbox: " + e);
              }
              Workload.Outcome done = outcome;
              scheduler.execute(() -> finish(job, pod, done, null));
            }));
  }

  /** Records how the container ended in the Pod and the Job; {@code jobReason} for a kill. */
  private void finish(Job job, Pod pod, Workload.Outcome outcome, String jobReason) {
    running.remove(key(job));
    if (isGone(job)) {
      return;
    }
    String finished = Instant.now().toString();
    boolean success = outcome.isSuccess() && jobReason == null;
    editPod(
        pod,
        p ->
            new PodBuilder(p)
                .editOrNewStatus()
                .withPhase(success ? "Succeeded" : "Failed")
                .withReason(jobReason)
                .withContainerStatuses(
                    status(
                        p,
                        new ContainerStateBuilder()
                            .withNewTerminated()
                            .withExitCode(outcome.exitCode())
                            .withReason(outcome.reason())
                            .withMessage(outcome.message())
                            .withFinishedAt(finished)
                            .endTerminated()
                            .build(),
                        false))
                .endStatus()
                .build());
    editJob(
        job,
        j ->
            new JobBuilder(j)
                .editOrNewStatus()
                .withActive(0)
                .withSucceeded(success ? 1 : 0)
                .withFailed(success ? 0 : 1)
                .withCompletionTime(success ? finished : null)
                .withConditions(
                    new JobConditionBuilder()
                        .withType(success ? "Complete" : "Failed")
                        .withStatus("True")
                        .withReason(
                            success
                                ? null
                                : (jobReason != null ? jobReason : "BackoffLimitExceeded"))
                        .withMessage(
                            success
                                ? null
                                : (jobReason != null
                                    ? "Job was active longer than specified deadline"
                                    : "Job has reached the specified backoff limit"))
                        .withLastTransitionTime(finished)
                        .build())
                .endStatus()
                .build());
    Long ttl =
        job.getSpec().getTtlSecondsAfterFinished() == null
            ? null
            : job.getSpec().getTtlSecondsAfterFinished().longValue();
    if (ttl != null) {
      scheduler.schedule(() -> deleteJob(job), ttl, TimeUnit.SECONDS);
    }
  }

  private void scheduleDeadline(Job job, Instant start) {
    Long deadline = job.getSpec().getActiveDeadlineSeconds();
    if (deadline == null) {
      return;
    }
    scheduler.schedule(
        () -> {
          Future<?> run = running.get(key(job));
          if (run != null && run.cancel(true)) {
            LOG.info("sandbox: job {} exceeded its deadline of {} s", key(job), deadline);
            currentPod(job)
                .ifPresent(
                    pod ->
                        finish(
                            job,
                            pod,
                            new Workload.Outcome(137, "DeadlineExceeded", ""),
                            "DeadlineExceeded"));
          }
        },
        deadline,
        TimeUnit.SECONDS);
  }

  /** A deleted Job: stop its container, delete its Pods and their logs. */
  private void collect(Job job) {
    Future<?> run = running.remove(key(job));
    if (run != null) {
      run.cancel(true);
    }
    var pods =
        client
            .pods()
            .inNamespace(job.getMetadata().getNamespace())
            .withLabel(JOB_NAME_LABEL, job.getMetadata().getName());
    pods.list()
        .getItems()
        .forEach(p -> logs.remove(p.getMetadata().getNamespace(), p.getMetadata().getName()));
    pods.delete();
  }

  private void deleteJob(Job job) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .delete();
  }

  private boolean isGone(Job job) {
    return client
            .batch()
            .v1()
            .jobs()
            .inNamespace(job.getMetadata().getNamespace())
            .withName(job.getMetadata().getName())
            .get()
        == null;
  }

  private java.util.Optional<Pod> currentPod(Job job) {
    return client
        .pods()
        .inNamespace(job.getMetadata().getNamespace())
        .withLabel(JOB_NAME_LABEL, job.getMetadata().getName())
        .list()
        .getItems()
        .stream()
        .findFirst();
  }

  private void editJob(Job job, java.util.function.UnaryOperator<Job> change) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .withName(job.getMetadata().getName())
          .editStatus(change);
    } catch (KubernetesClientException e) {
      LOG.debug("sandbox: job {} changed under us: {}", key(job), e.getMessage());
    }
  }

  private void editPod(Pod pod, java.util.function.UnaryOperator<Pod> change) {
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .editStatus(change);
    } catch (KubernetesClientException e) {
      LOG.debug(
          "sandbox: pod {} changed under us: {}", pod.getMetadata().getName(), e.getMessage());
    }
  }

  private static ContainerStatus waiting(Job job, String reason) {
    var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    return new ContainerStatusBuilder()
        .withName(container.getName())
        .withImage(container.getImage())
        .withReady(false)
        .withRestartCount(0)
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .endWaiting()
        .endState()
        .build();
  }

  private static ContainerStatus status(
      Pod pod, io.fabric8.kubernetes.api.model.ContainerState state, boolean ready) {
    var container = pod.getSpec().getContainers().get(0);
    return new ContainerStatusBuilder()
        .withName(container.getName())
        .withImage(container.getImage())
        .withReady(ready)
        .withStarted(ready)
        .withRestartCount(0)
        .withState(state)
        .build();
  }

  private static String suffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      s.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return s.toString();
  }

  @Override
  public void close() {
    if (jobs != null) {
      jobs.close();
    }
    if (deployments != null) {
      deployments.close();
    }
    if (endpoints != null) {
      endpoints.close();
    }
    scheduler.shutdownNow();
    containers.shutdownNow();
  }

  /** The container's view of its simulated run. */
  private final class ContainerRun implements Workload.Run {
    private final String namespace;
    private final String pod;

    ContainerRun(String namespace, String pod) {
      this.namespace = namespace;
      this.pod = pod;
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
