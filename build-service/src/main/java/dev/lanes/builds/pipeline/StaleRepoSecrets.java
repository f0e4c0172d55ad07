package dev.lanes.builds.pipeline;

import dev.lanes.builds.k8s.RepoSecrets;
import dev.lanes.common.apps.AppQueries;
import dev.lanes.common.db.Database;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the credential Secrets of image repos that no longer have those credentials (removed, or
 * the repo deleted): a Job is made only for a build whose refs were listed, and with git
 * credentials gone that fails first, so {@link DesiredJobs} alone would leave the Secret, and the
 * old password, in the cluster. The leader sweeps every reconcile round; a Secret Lanes did not
 * make is never listed here.
 */
public final class StaleRepoSecrets {

  private static final Logger LOG = LoggerFactory.getLogger(StaleRepoSecrets.class);

  /** One kind of repo Secret: its component label, its name, and which repos still need it. */
  private record Kind(
      String component,
      UnaryOperator<String> secretName,
      BiFunction<SqlClient, List<String>, Future<Set<String>>> withCredentials) {}

  private static final List<Kind> KINDS =
      List.of(
          new Kind(
              LaneLabels.GIT_CREDENTIALS_COMPONENT,
              LaneNames::gitSecret,
              AppQueries::withGitCredentials),
          new Kind(
              LaneLabels.REGISTRY_CREDENTIALS_COMPONENT,
              LaneNames::registrySecret,
              AppQueries::withRegistryCredentials),
          new Kind(
              LaneLabels.BUILD_SECRETS_COMPONENT,
              LaneNames::buildSecrets,
              AppQueries::withBuildSecrets));

  private final Database db;
  private final RepoSecrets secrets;

  public StaleRepoSecrets(Database db, RepoSecrets secrets) {
    this.db = db;
    this.secrets = secrets;
  }

  public Future<Void> sweep() {
    return Future.join(KINDS.stream().map(this::sweep).toList()).mapEmpty();
  }

  private Future<Void> sweep(Kind kind) {
    return secrets.managedRepos(kind.component()).compose(repos -> deleteStale(kind, repos));
  }

  private Future<Void> deleteStale(Kind kind, List<String> repos) {
    if (repos.isEmpty()) {
      return Future.succeededFuture();
    }
    return kind.withCredentials()
        .apply(db.client(), repos)
        .compose(
            keep ->
                Future.join(
                        repos.stream()
                            .filter(r -> !keep.contains(r))
                            .map(r -> delete(kind, r))
                            .toList())
                    .mapEmpty());
  }

  private Future<Void> delete(Kind kind, String repo) {
    String name = kind.secretName().apply(repo);
    return secrets
        .delete(name)
        .onSuccess(v -> LOG.info("image repo {}: {} no longer needed, deleted", repo, name));
  }
}
