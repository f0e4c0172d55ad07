package dev.lanes.builds.pipeline;

import dev.lanes.builds.k8s.GitSecrets;
import dev.lanes.common.apps.AppQueries;
import dev.lanes.common.db.Database;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the git Secrets of image repos that no longer have credentials (removed, or the repo
 * deleted): a Job is made only for a build whose refs were listed, and with the credentials gone
 * that fails first, so {@link DesiredJobs} alone would leave the Secret, and the old password, in
 * the cluster. The leader sweeps every reconcile round; a Secret Lanes did not make is never listed
 * here.
 */
public final class StaleGitSecrets {

  private static final Logger LOG = LoggerFactory.getLogger(StaleGitSecrets.class);

  private final Database db;
  private final GitSecrets secrets;

  public StaleGitSecrets(Database db, GitSecrets secrets) {
    this.db = db;
    this.secrets = secrets;
  }

  public Future<Void> sweep() {
    return secrets.managedRepos().compose(this::deleteStale);
  }

  private Future<Void> deleteStale(List<String> repos) {
    if (repos.isEmpty()) {
      return Future.succeededFuture();
    }
    return AppQueries.withGitCredentials(db.client(), repos)
        .compose(
            keep ->
                Future.join(
                        repos.stream().filter(r -> !keep.contains(r)).map(this::delete).toList())
                    .mapEmpty());
  }

  private Future<Void> delete(String repo) {
    return secrets
        .delete(repo)
        .onSuccess(
            v -> LOG.info("image repo {}: no git credentials any more, Secret deleted", repo));
  }
}
