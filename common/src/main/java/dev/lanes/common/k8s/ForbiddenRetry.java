package dev.lanes.common.k8s;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * A write that kube-apiserver refuses with 403 is tried again a few times, briefly, before the
 * refusal counts. A kube-apiserver that has just started serves requests before its RBAC
 * authorizer's caches have synced, and refuses them meanwhile (found by killing it under load on
 * the local control plane). A permission that is really missing still fails, after about 7 s, never
 * in a loop. For blocking calls only (it waits on the calling thread).
 */
public final class ForbiddenRetry {

  private static final Duration[] BACKOFF = {
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)
  };

  private ForbiddenRetry() {}

  public static <T> T call(Callable<T> call) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.call();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 403 || attempt >= BACKOFF.length) {
          throw e;
        }
        Thread.sleep(BACKOFF[attempt].toMillis());
      }
    }
  }
}
