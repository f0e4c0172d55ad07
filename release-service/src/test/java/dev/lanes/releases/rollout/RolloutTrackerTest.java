package dev.lanes.releases.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;

class RolloutTrackerTest {

  private static Deployment deployment(String image, String flag) {
    return new DeploymentBuilder()
        .withNewSpec()
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .addNewEnv()
        .withName("FLAG")
        .withValue(flag)
        .endEnv()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Pod pod(String image, String flag) {
    return new PodBuilder()
        .withSpec(deployment(image, flag).getSpec().getTemplate().getSpec())
        .build();
  }

  @Test
  void aPodOfTheCurrentTemplateSpeaksForTheRollout() {
    assertThat(RolloutTracker.runsCurrentTemplate(pod("r/web:a", "1"), deployment("r/web:a", "1")))
        .isTrue();
  }

  @Test
  void aPodOfAnEarlierRevisionDoesNot() {
    assertThat(RolloutTracker.runsCurrentTemplate(pod("r/web:a", "1"), deployment("r/web:b", "1")))
        .isFalse();
    assertThat(RolloutTracker.runsCurrentTemplate(pod("r/web:a", "1"), deployment("r/web:a", "2")))
        .isFalse();
  }
}
