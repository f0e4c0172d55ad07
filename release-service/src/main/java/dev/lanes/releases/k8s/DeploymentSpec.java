package dev.lanes.releases.k8s;

import dev.lanes.common.domain.App;
import dev.lanes.common.domain.Release;
import dev.lanes.common.domain.Resources;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Deployment of a release: pure, no client, no clock. Its pods get the app's run configuration,
 * the app's envs then the release's (which win), then {@code LANE}, {@code APP_NAME} and {@code
 * VERSION}, the app's secret envs from {@code {app}-secrets}, and a readiness probe on {@code
 * health_path} (HTTP) or the port (TCP). Rollouts never drop below the desired number of ready
 * pods.
 */
public final class DeploymentSpec {

  public static final String CONTAINER = "app";
  public static final String PORT_NAME = "http";
  public static final String RELEASE_ID = "lanes.dev/release-id";
  public static final String REVISION = "lanes.dev/revision";
  public static final String SECRETS_CHECKSUM = "lanes.dev/secrets-checksum";
  static final int HISTORY_LIMIT = 5;

  private final String namespace;
  private final Duration progressDeadline;

  public DeploymentSpec(String namespace, Duration progressDeadline) {
    this.namespace = namespace;
    this.progressDeadline = progressDeadline;
  }

  /**
   * @param secretsChecksum a digest of the app's secret envs, or {@code null} when it has none: a
   *     change of secrets changes the pod template, so the pods restart and read them
   */
  public Deployment desired(Release release, App app, String secretsChecksum) {
    Map<String, String> labels =
        LaneLabels.forRelease(release.app(), release.lane(), release.tag()).toMap();
    Map<String, String> annotations = new LinkedHashMap<>();
    if (secretsChecksum != null) {
      annotations.put(SECRETS_CHECKSUM, secretsChecksum);
    }
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(LaneNames.laneObject(release.app(), release.lane()))
        .withNamespace(namespace)
        .withLabels(labels)
        .addToAnnotations(RELEASE_ID, release.id().toString())
        .addToAnnotations(REVISION, Integer.toString(release.revision()))
        .endMetadata()
        .withNewSpec()
        .withReplicas(release.replicas())
        .withRevisionHistoryLimit(HISTORY_LIMIT)
        .withProgressDeadlineSeconds((int) progressDeadline.toSeconds())
        .withNewSelector()
        .withMatchLabels(LaneLabels.selector(release.app(), release.lane()).toMap())
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString("25%"))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(app.serviceAccount())
        .withContainers(container(release, app, secretsChecksum != null))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Container container(Release release, App app, boolean secrets) {
    ContainerBuilder c =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(release.image())
            .withCommand(app.command())
            .withArgs(app.args())
            .withEnv(env(release, app))
            .withResources(resources(app.resources()));
    if (secrets) {
      c.addNewEnvFrom()
          .withNewSecretRef()
          .withName(LaneNames.secret(app.name()))
          .endSecretRef()
          .endEnvFrom();
    }
    if (!app.isWorker()) {
      c.addNewPort()
          .withName(PORT_NAME)
          .withContainerPort(app.port())
          .withProtocol("TCP")
          .endPort();
      c.withReadinessProbe(readiness(app));
    }
    return c.build();
  }

  /** App envs, then release envs (which win), then what the platform sets; each part sorted. */
  static List<EnvVar> env(Release release, App app) {
    Map<String, String> fromApp = new TreeMap<>(app.envs());
    fromApp.keySet().removeAll(release.envs().keySet());
    List<EnvVar> env = new ArrayList<>();
    fromApp.forEach((k, v) -> env.add(var(k, v)));
    new TreeMap<>(release.envs()).forEach((k, v) -> env.add(var(k, v)));
    env.add(var("LANE", release.lane()));
    env.add(var("APP_NAME", release.app()));
    env.add(var("VERSION", release.tag()));
    return env;
  }

  private static EnvVar var(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static Probe readiness(App app) {
    ProbeBuilder probe =
        new ProbeBuilder().withInitialDelaySeconds(2).withPeriodSeconds(5).withFailureThreshold(3);
    if (app.healthPath() != null) {
      probe
          .withNewHttpGet()
          .withPath(app.healthPath())
          .withPort(new IntOrString(PORT_NAME))
          .endHttpGet();
    } else {
      probe.withNewTcpSocket().withPort(new IntOrString(PORT_NAME)).endTcpSocket();
    }
    return probe.build();
  }

  private static ResourceRequirements resources(Resources r) {
    ResourceRequirementsBuilder b = new ResourceRequirementsBuilder();
    if (r == null) {
      return b.build();
    }
    if (r.cpu() != null) {
      b.addToRequests("cpu", new Quantity(r.cpu()));
    }
    if (r.memory() != null) {
      b.addToRequests("memory", new Quantity(r.memory()));
    }
    if (r.limits() != null && r.limits().cpu() != null) {
      b.addToLimits("cpu", new Quantity(r.limits().cpu()));
    }
    if (r.limits() != null && r.limits().memory() != null) {
      b.addToLimits("memory", new Quantity(r.limits().memory()));
    }
    return b.build();
  }
}
