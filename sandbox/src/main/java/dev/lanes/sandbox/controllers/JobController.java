package dev.lanes.sandbox.controllers;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's Job controller. A new Job gets one pod ({@link PodFactory#forJob}) a step later,
 * and its status says so ({@code startTime}, {@code active}); when the pod ends, the Job's status
 * follows it: {@code succeeded} or {@code failed}, {@code completionTime}, and the {@code Complete}
 * or {@code Failed} condition ({@code DeadlineExceeded} when the kubelet stopped the pod at the
 * Job's deadline, else {@code BackoffLimitExceeded}: there are no retries). A finished Job is
 * deleted after its {@code ttlSecondsAfterFinished}, and the pods of a deleted Job are deleted (the
 * garbage collector's part). It never writes a pod's status: that is the kubelet's.
 */
final class JobController {

  private static final Logger LOG = LoggerFactory.getLogger(JobController.class);

  private final KubernetesClient client;
  private final ScheduledExecutorService scheduler;
  private final PodFactory pods;
  private final Duration step;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  JobController(
      KubernetesClient client, ScheduledExecutorService scheduler, PodFactory pods, Duration step) {
    this.client = client;
    this.scheduler = scheduler;
    this.pods = pods;
    this.step = step;
  }

  void start() {
    informers.add(client.batch().v1().jobs().inAnyNamespace().inform(jobEvents(), 0));
    informers.add(client.pods().inAnyNamespace().inform(podEvents(), 0));
  }

  void close() {
    informers.forEach(SharedIndexInformer::close);
  }

  private ResourceEventHandler<Job> jobEvents() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Job job) {
        later(key(job.getMetadata().getNamespace(), job.getMetadata().getName()), step);
      }

      @Override
      public void onUpdate(Job before, Job after) {}

      @Override
      public void onDelete(Job job, boolean unknownFinalState) {
        scheduler.execute(() -> collect(job));
      }
    };
  }

  /** A Job looks again when one of its pods ends. */
  private ResourceEventHandler<Pod> podEvents() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {}

      @Override
      public void onUpdate(Pod before, Pod after) {
        String job = jobOf(after);
        if (job != null && ended(after)) {
          later(key(after.getMetadata().getNamespace(), job), Duration.ZERO);
        }
      }

      @Override
      public void onDelete(Pod pod, boolean unknownFinalState) {}
    };
  }

  private static String jobOf(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(PodFactory.JOB_NAME);
  }

  private static boolean ended(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private void later(String key, Duration delay) {
    scheduler.schedule(() -> safely(key), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void safely(String key) {
    try {
      reconcile(key);
    } catch (KubernetesClientException e) {
      LOG.warn("sandbox: job {}: {}", key, e.getMessage());
    }
  }

  private void reconcile(String key) {
    String[] parts = key.split("/", 2);
    Job job = client.batch().v1().jobs().inNamespace(parts[0]).withName(parts[1]).get();
    if (job == null || finished(job)) {
      return;
    }
    List<Pod> mine =
        client
            .pods()
            .inNamespace(parts[0])
            .withLabel(PodFactory.JOB_NAME, parts[1])
            .list()
            .getItems();
    if (mine.isEmpty()) {
      if (job.getStatus() == null || job.getStatus().getStartTime() == null) {
        admit(job); // else it has run before (the informer's first list after a restart)
      }
      return;
    }
    mine.stream().filter(JobController::ended).findFirst().ifPresent(pod -> finish(job, pod));
  }

  /** A new Job gets its pod. */
  private void admit(Job job) {
    client.pods().inNamespace(job.getMetadata().getNamespace()).resource(pods.forJob(job)).create();
    String start = Instant.now().toString();
    editStatus(
        job,
        j ->
            new JobBuilder(j)
                .editOrNewStatus()
                .withStartTime(start)
                .withActive(1)
                .endStatus()
                .build());
  }

  /** The pod ended: so has the Job. */
  private void finish(Job job, Pod pod) {
    boolean success = "Succeeded".equals(pod.getStatus().getPhase());
    boolean late = "DeadlineExceeded".equals(pod.getStatus().getReason());
    String now = Instant.now().toString();
    JobCondition condition =
        new JobConditionBuilder()
            .withType(success ? "Complete" : "Failed")
            .withStatus("True")
            .withReason(success ? null : late ? "DeadlineExceeded" : "BackoffLimitExceeded")
            .withMessage(
                success
                    ? null
                    : late
                        ? "Job was active longer than specified deadline"
                        : "Job has reached the specified backoff limit")
            .withLastTransitionTime(now)
            .build();
    editStatus(
        job,
        j ->
            new JobBuilder(j)
                .editOrNewStatus()
                .withActive(0)
                .withSucceeded(success ? 1 : 0)
                .withFailed(success ? 0 : 1)
                .withCompletionTime(success ? now : null)
                .withConditions(condition)
                .endStatus()
                .build());
    Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
    if (ttl != null) {
      scheduler.schedule(() -> delete(job), ttl, TimeUnit.SECONDS);
    }
  }

  private static boolean finished(Job job) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
  }

  /** A deleted Job's pods go too (the garbage collector's part). */
  private void collect(Job job) {
    try {
      client
          .pods()
          .inNamespace(job.getMetadata().getNamespace())
          .withLabel(PodFactory.JOB_NAME, job.getMetadata().getName())
          .delete();
    } catch (KubernetesClientException e) {
      LOG.debug("sandbox: pods of job {}: {}", job.getMetadata().getName(), e.getMessage());
    }
  }

  private void delete(Job job) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .withName(job.getMetadata().getName())
          .delete();
    } catch (KubernetesClientException e) {
      LOG.debug("sandbox: job {}: {}", job.getMetadata().getName(), e.getMessage());
    }
  }

  private void editStatus(Job job, UnaryOperator<Job> change) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .withName(job.getMetadata().getName())
          .editStatus(change);
    } catch (KubernetesClientException e) {
      LOG.debug(
          "sandbox: job {} changed under us: {}", job.getMetadata().getName(), e.getMessage());
    }
  }
}
