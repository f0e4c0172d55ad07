package dev.lanes.sandbox.controllers;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The sandbox's controllers, as kube-controller-manager runs them on a cluster: {@link
 * DeploymentController} (with the ReplicaSets' part), {@link JobController} and {@link
 * EndpointSliceController}. They create and delete pods, bound to the sandbox's node, and write the
 * status of the objects that own them; a pod's own status is the kubelet's. They share one thread.
 */
public final class Controllers implements AutoCloseable {

  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "sandbox-controllers");
            t.setDaemon(true);
            return t;
          });
  private final DeploymentController deployments;
  private final JobController jobs;
  private final EndpointSliceController endpoints;

  private Controllers(KubernetesClient client, String node, Duration step) {
    PodFactory pods = new PodFactory(node);
    deployments = new DeploymentController(client, scheduler, pods);
    jobs = new JobController(client, scheduler, pods, step);
    endpoints = new EndpointSliceController(client, scheduler);
  }

  /**
   * Starts them on the API server {@code client} talks to; the pods they create are bound to {@code
   * node}, and a new Job gets its pod {@code step} after it appeared.
   */
  public static Controllers start(KubernetesClient client, String node, Duration step) {
    Controllers controllers = new Controllers(client, node, step);
    controllers.deployments.start();
    controllers.jobs.start();
    controllers.endpoints.start();
    return controllers;
  }

  @Override
  public void close() {
    deployments.close();
    jobs.close();
    endpoints.close();
    scheduler.shutdownNow();
  }
}
