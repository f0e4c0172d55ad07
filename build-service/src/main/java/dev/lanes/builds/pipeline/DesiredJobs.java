package dev.lanes.builds.pipeline;

import dev.lanes.builds.k8s.BuildJobSpec;
import dev.lanes.builds.k8s.BuildKitJobSpec;
import dev.lanes.builds.k8s.BuildSecretsSpec;
import dev.lanes.builds.k8s.GitSecretSpec;
import dev.lanes.builds.k8s.RegistrySecretSpec;
import dev.lanes.builds.k8s.RepoSecrets;
import dev.lanes.builds.store.BuildTransitions;
import dev.lanes.builds.store.RepoCredentials;
import dev.lanes.common.domain.Builder;
import dev.lanes.common.domain.GitCredentials;
import dev.lanes.common.domain.RegistryCredentials;
import dev.lanes.common.k8s.LaneNames;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * The Job of a claimed build, with what it needs in the cluster before it: the image repo's git
 * credentials as the Secret {@code {repo}-git} its env refers to, and its registry credentials as
 * the Secret {@code {repo}-registry} mounted as the builder's docker config. Secrets of credentials
 * since removed are for {@link StaleRepoSecrets} to delete.
 */
public final class DesiredJobs {

  private final BuildJobSpec kaniko;
  private final BuildKitJobSpec buildkit;
  private final RepoCredentials credentials;
  private final GitSecretSpec gitSpec;
  private final RegistrySecretSpec registrySpec;
  private final BuildSecretsSpec buildSecretsSpec;
  private final RepoSecrets secrets;

  public DesiredJobs(
      BuildJobSpec kaniko,
      BuildKitJobSpec buildkit,
      RepoCredentials credentials,
      GitSecretSpec gitSpec,
      RegistrySecretSpec registrySpec,
      BuildSecretsSpec buildSecretsSpec,
      RepoSecrets secrets) {
    this.kaniko = kaniko;
    this.buildkit = buildkit;
    this.credentials = credentials;
    this.gitSpec = gitSpec;
    this.registrySpec = registrySpec;
    this.buildSecretsSpec = buildSecretsSpec;
    this.secrets = secrets;
  }

  /**
   * @throws dev.lanes.common.error.ClientError {@code name_conflict} when a Secret's name is taken
   *     by one Lanes does not manage
   */
  public Future<Job> prepare(BuildTransitions.Claimed c) {
    String repo = c.build().imageRepo();
    return credentials
        .of(repo)
        .compose(creds -> gitSecret(repo, creds))
        .compose(
            git ->
                credentials
                    .registryOf(repo)
                    .compose(creds -> registrySecret(repo, c.source().registry(), creds))
                    .map(registry -> new BuildJobSpec.RepoSecretNames(git, registry)))
        .compose(names -> withBuildSecrets(c, names))
        .map(names -> job(c, names));
  }

  /** The Job of the builder the build's source names (its repo's builder when it was requested). */
  private Job job(BuildTransitions.Claimed c, BuildJobSpec.RepoSecretNames secrets) {
    return switch (c.source().builder()) {
      case BUILDKIT -> buildkit.desired(c.build(), c.source(), secrets);
      case KANIKO -> kaniko.desired(c.build(), c.source(), c.ref(), secrets);
    };
  }

  /**
   * The repo's build secrets as the Secret {@code {repo}-build-secrets}, for BuildKit: the gateway
   * refuses them for a Kaniko repo, and a Kaniko build never gets them.
   */
  private Future<BuildJobSpec.RepoSecretNames> withBuildSecrets(
      BuildTransitions.Claimed c, BuildJobSpec.RepoSecretNames names) {
    String repo = c.build().imageRepo();
    if (c.source().builder() != Builder.BUILDKIT) {
      return Future.succeededFuture(names);
    }
    return credentials
        .buildSecretsOf(repo)
        .compose(
            values -> {
              if (values.isEmpty()) {
                return Future.succeededFuture(names);
              }
              return secrets
                  .apply(buildSecretsSpec.desired(repo, values))
                  .map(
                      v ->
                          new BuildJobSpec.RepoSecretNames(
                              names.git(),
                              names.registry(),
                              LaneNames.buildSecrets(repo),
                              values.keySet().stream().sorted().toList()));
            });
  }

  private Future<String> gitSecret(String repo, Optional<GitCredentials> creds) {
    if (creds.isEmpty()) {
      return Future.succeededFuture(null);
    }
    return secrets.apply(gitSpec.desired(repo, creds.get())).map(LaneNames.gitSecret(repo));
  }

  private Future<String> registrySecret(
      String repo, String image, Optional<RegistryCredentials> creds) {
    if (creds.isEmpty()) {
      return Future.succeededFuture(null);
    }
    return secrets
        .apply(registrySpec.desired(repo, image, creds.get()))
        .map(LaneNames.registrySecret(repo));
  }
}
