package dev.lanes.builds.pipeline;

import dev.lanes.builds.k8s.BuildJobSpec;
import dev.lanes.builds.k8s.BuildKitJobSpec;
import dev.lanes.builds.k8s.GitSecretSpec;
import dev.lanes.builds.k8s.GitSecrets;
import dev.lanes.builds.store.BuildTransitions;
import dev.lanes.builds.store.RepoCredentials;
import dev.lanes.common.domain.GitCredentials;
import dev.lanes.common.k8s.LaneNames;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * The Job of a claimed build, with what it needs in the cluster before it: the image repo's git
 * credentials as the Secret {@code {repo}-git} the Job refers to, or, when the repo has none (any
 * more), that Secret gone, so removed credentials do not outlive the next build.
 */
public final class DesiredJobs {

  private final BuildJobSpec kaniko;
  private final BuildKitJobSpec buildkit;
  private final RepoCredentials credentials;
  private final GitSecretSpec secretSpec;
  private final GitSecrets secrets;

  public DesiredJobs(
      BuildJobSpec kaniko,
      BuildKitJobSpec buildkit,
      RepoCredentials credentials,
      GitSecretSpec secretSpec,
      GitSecrets secrets) {
    this.kaniko = kaniko;
    this.buildkit = buildkit;
    this.credentials = credentials;
    this.secretSpec = secretSpec;
    this.secrets = secrets;
  }

  /**
   * @throws dev.lanes.common.error.ClientError {@code name_conflict} when the Secret's name is
   *     taken by one Lanes does not manage
   */
  public Future<Job> prepare(BuildTransitions.Claimed c) {
    String repo = c.build().imageRepo();
    return credentials
        .of(repo)
        .compose(creds -> secretFor(repo, creds))
        .map(secret -> job(c, secret.orElse(null)));
  }

  /** The Job of the builder the build's source names (its repo's builder when it was requested). */
  private Job job(BuildTransitions.Claimed c, String gitSecret) {
    return switch (c.source().builder()) {
      case BUILDKIT -> buildkit.desired(c.build(), c.source(), gitSecret);
      case KANIKO -> kaniko.desired(c.build(), c.source(), c.ref(), gitSecret);
    };
  }

  private Future<Optional<String>> secretFor(String repo, Optional<GitCredentials> creds) {
    if (creds.isEmpty()) {
      return repo == null
          ? Future.succeededFuture(Optional.empty())
          : secrets.delete(repo).map(Optional.empty());
    }
    return secrets
        .apply(secretSpec.desired(repo, creds.get()))
        .map(Optional.of(LaneNames.gitSecret(repo)));
  }
}
