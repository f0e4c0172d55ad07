package dev.lanes.walkthrough;

import dev.lanes.testkit.LocalKube;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README, executed as in {@link ReadmeWalkThroughTest}, on a local control plane of real
 * components instead of the sandbox, as {@code make run-kube} runs it: kube-apiserver with RBAC,
 * the real Deployment, ReplicaSet, Job, EndpointSlice and garbage-collector controllers, kwok's
 * nodes, and each service with its own ServiceAccount's token from deploy/kubernetes/base. Its
 * output is kept in target/ReadmeOnLocalKubeTest.out.
 */
class ReadmeOnLocalKubeTest extends ReadmeWalkThroughTest {

  @TempDir static Path kubeDir;
  private static LocalKube kube;

  @BeforeAll
  static void startCluster() throws IOException {
    kube = LocalKube.start(kubeDir.resolve("kube"));
  }

  @AfterAll
  static void stopCluster() {
    if (kube != null) {
      kube.close();
    }
  }

  @Override
  Map<String, String> clusterEnv() {
    return kube.platformEnv();
  }

  @Override
  Path kubeconfig() {
    return kube.kubeconfig();
  }
}
