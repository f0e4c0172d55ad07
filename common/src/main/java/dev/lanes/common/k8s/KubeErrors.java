package dev.lanes.common.k8s;

import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.ServerError;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;

/** Translates failures of the fabric8 client where they appear. */
public final class KubeErrors {

  private KubeErrors() {}

  public static boolean isNotFound(Throwable e) {
    return e instanceof KubernetesClientException k && k.getCode() == 404;
  }

  public static boolean isConflict(Throwable e) {
    return e instanceof KubernetesClientException k && k.getCode() == 409;
  }

  /** Whether the API server refused the call for want of a permission (RBAC). */
  public static boolean isForbidden(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() == 403) {
        return true;
      }
    }
    return false;
  }

  /** Whether the API server could not be reached or answered that it is overloaded. */
  public static boolean isUnavailable(Throwable e) {
    if (e instanceof KubernetesClientException k && (k.getCode() >= 500 || k.getCode() == 429)) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** A caller-safe description of a failed call, e.g. for a build's message. */
  public static String describe(Throwable e) {
    if (isUnavailable(e)) {
      return "the Kubernetes API is not reachable (" + rootMessage(e) + ")";
    }
    if (e instanceof KubernetesClientException k && k.getStatus() != null) {
      return "Kubernetes refused: " + k.getStatus().getMessage();
    }
    return rootMessage(e);
  }

  public static ServerError unavailable(Throwable e) {
    return ServerError.unavailable(ErrorCode.KUBERNETES_UNAVAILABLE, describe(e), e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
