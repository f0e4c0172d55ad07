package dev.lanes.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Container;

/** Any container that is not a Kaniko build: it logs that it ran and succeeds. */
final class GenericWorkload implements Workload {

  @Override
  public Outcome run(Container container, Run run) throws InterruptedException {
    run.log(
        "sandbox: simulated container " + container.getName() + " (" + container.getImage() + ")");
    run.pause(run.step());
    return Outcome.succeeded("");
  }
}
