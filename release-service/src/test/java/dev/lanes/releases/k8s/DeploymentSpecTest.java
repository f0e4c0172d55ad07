package dev.lanes.releases.k8s;

import static dev.lanes.releases.k8s.Fixtures.aRelease;
import static dev.lanes.releases.k8s.Fixtures.anApp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.common.domain.Resources;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentSpecTest {

  private final DeploymentSpec spec = new DeploymentSpec("prod", Duration.ofMinutes(5));

  private static Container container(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @Test
  void namesAndLabelsTheDeploymentOfTheLane() {
    Deployment d =
        spec.desired(aRelease().lane("dev").tag("abc1234").build(), anApp().build(), null);

    assertThat(d.getMetadata().getName()).isEqualTo("web-dev");
    assertThat(d.getMetadata().getNamespace()).isEqualTo("prod");
    assertThat(d.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "app", "web",
                "lane", "dev",
                "app.kubernetes.io/name", "web",
                "app.kubernetes.io/version", "abc1234",
                "app.kubernetes.io/managed-by", "lanes"));
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .isEqualTo(d.getMetadata().getLabels());
    assertThat(d.getSpec().getSelector().getMatchLabels())
        .isEqualTo(Map.of("app", "web", "lane", "dev"));
  }

  @Test
  void carriesTheReleaseAndRevisionOnTheDeploymentNotOnItsPods() {
    var release = aRelease().revision(7);
    Deployment d = spec.desired(release.build(), anApp().build(), null);

    assertThat(d.getMetadata().getAnnotations())
        .containsEntry(DeploymentSpec.RELEASE_ID, release.id().toString())
        .containsEntry(DeploymentSpec.REVISION, "7");
    // a new revision of the same template is no rollout
    assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations()).isEmpty();
  }

  @Test
  void rollsOutWithoutLosingReadyPodsWithinTheProgressDeadline() {
    Deployment d = spec.desired(aRelease().replicas(3).build(), anApp().build(), null);

    assertThat(d.getSpec().getReplicas()).isEqualTo(3);
    assertThat(d.getSpec().getProgressDeadlineSeconds()).isEqualTo(300);
    assertThat(d.getSpec().getRevisionHistoryLimit()).isEqualTo(DeploymentSpec.HISTORY_LIMIT);
    assertThat(d.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getStrVal())
        .isEqualTo("25%");
  }

  @Test
  void theContainerRunsTheImageWithTheAppsCommandArgsAndServiceAccount() {
    Deployment d =
        spec.desired(
            aRelease().tag("def5678").build(),
            anApp().command("/bin/web").args("--port", "8080").serviceAccount("web-sa").build(),
            null);

    Container c = container(d);
    assertThat(c.getName()).isEqualTo(DeploymentSpec.CONTAINER);
    assertThat(c.getImage()).isEqualTo("registry.local/web:def5678");
    assertThat(c.getCommand()).containsExactly("/bin/web");
    assertThat(c.getArgs()).containsExactly("--port", "8080");
    assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("web-sa");
  }

  @Test
  void releaseEnvsWinOverTheAppsAndThePlatformSetsLaneAppNameAndVersionLast() {
    Deployment d =
        spec.desired(
            aRelease().lane("qa").tag("abc1234").env("REGION", "us").env("FLAG", "on").build(),
            anApp().env("REGION", "eu").env("LOG", "info").build(),
            null);

    assertThat(container(d).getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("LOG", "info"),
            org.assertj.core.groups.Tuple.tuple("FLAG", "on"),
            org.assertj.core.groups.Tuple.tuple("REGION", "us"),
            org.assertj.core.groups.Tuple.tuple("LANE", "qa"),
            org.assertj.core.groups.Tuple.tuple("APP_NAME", "web"),
            org.assertj.core.groups.Tuple.tuple("VERSION", "abc1234"));
  }

  @Test
  void secretsComeFromTheAppsSecretAndTheirChecksumRestartsThePods() {
    Deployment without = spec.desired(aRelease().build(), anApp().build(), null);
    Deployment with = spec.desired(aRelease().build(), anApp().build(), "c0ffee");

    assertThat(container(without).getEnvFrom()).isEmpty();
    assertThat(container(with).getEnvFrom().get(0).getSecretRef().getName())
        .isEqualTo("web-secrets");
    assertThat(with.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(DeploymentSpec.SECRETS_CHECKSUM, "c0ffee");
  }

  @Test
  void aServingAppIsProbedOnItsHealthPathOrItsPort() {
    Container http =
        container(spec.desired(aRelease().build(), anApp().healthPath("/healthz").build(), null));
    Container tcp = container(spec.desired(aRelease().build(), anApp().build(), null));

    assertThat(http.getPorts().get(0).getName()).isEqualTo(DeploymentSpec.PORT_NAME);
    assertThat(http.getPorts().get(0).getContainerPort()).isEqualTo(8080);
    assertThat(http.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(http.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(tcp.getReadinessProbe().getHttpGet()).isNull();
    assertThat(tcp.getReadinessProbe().getTcpSocket().getPort().getStrVal()).isEqualTo("http");
  }

  @Test
  void aWorkerHasNoPortAndNoProbe() {
    Container c = container(spec.desired(aRelease().build(), anApp().worker().build(), null));

    assertThat(c.getPorts()).isEmpty();
    assertThat(c.getReadinessProbe()).isNull();
  }

  @Test
  void requestsAndLimitsAreTheAppsResources() {
    Container c =
        container(
            spec.desired(
                aRelease().build(),
                anApp()
                    .resources(new Resources("250m", "256Mi", new Resources.Limits("1", "512Mi")))
                    .build(),
                null));

    assertThat(c.getResources().getRequests())
        .containsEntry("cpu", new Quantity("250m"))
        .containsEntry("memory", new Quantity("256Mi"));
    assertThat(c.getResources().getLimits())
        .containsEntry("cpu", new Quantity("1"))
        .containsEntry("memory", new Quantity("512Mi"));
    assertThat(
            container(spec.desired(aRelease().build(), anApp().build(), null))
                .getResources()
                .getRequests())
        .isEmpty();
  }
}
