package dev.lanes.builds.store;

import dev.lanes.common.apps.AppQueries;
import dev.lanes.common.crypto.SealedEnvs;
import dev.lanes.common.crypto.SealedGitCredentials;
import dev.lanes.common.crypto.SealedRegistryCredentials;
import dev.lanes.common.crypto.SecretBox;
import dev.lanes.common.db.Database;
import dev.lanes.common.domain.GitCredentials;
import dev.lanes.common.domain.RegistryCredentials;
import dev.lanes.common.error.ServerError;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * An image repo's git credentials, read through the gateway's published query and opened with
 * {@code LANES_SECRET_KEY}. Read at each step that needs them rather than copied into the build, so
 * that credentials replaced or removed take effect for builds under way.
 */
public final class RepoCredentials {

  private final Database db;
  private final SecretBox box;

  /**
   * @param box {@code null} when build-service has no key: repos without credentials still build
   */
  public RepoCredentials(Database db, SecretBox box) {
    this.db = db;
    this.box = box;
  }

  /**
   * @return empty when the repo has none (or no repo: an app's builds without one never get here)
   * @throws ServerError {@code internal_error} when they cannot be opened
   */
  public Future<Optional<GitCredentials>> of(String imageRepo) {
    if (imageRepo == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return AppQueries.sealedGitCredentials(db.client(), imageRepo).map(this::open);
  }

  /**
   * The repo's registry credentials, the same way.
   *
   * @throws ServerError {@code internal_error} when they cannot be opened
   */
  public Future<Optional<RegistryCredentials>> registryOf(String imageRepo) {
    if (imageRepo == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return AppQueries.sealedRegistryCredentials(db.client(), imageRepo)
        .map(stored -> openWith(stored, "registry", SealedRegistryCredentials::open));
  }

  /**
   * The repo's build secrets by name, the same way; empty when it has none.
   *
   * @throws ServerError {@code internal_error} when they cannot be opened
   */
  public Future<Map<String, String>> buildSecretsOf(String imageRepo) {
    if (imageRepo == null) {
      return Future.succeededFuture(Map.of());
    }
    return AppQueries.sealedBuildSecrets(db.client(), imageRepo)
        .map(
            stored ->
                openWith(
                        stored,
                        "build secrets",
                        (b, bytes) -> SealedEnvs.open(b, bytes, "the image repo's build secrets"))
                    .orElse(Map.of()));
  }

  private Optional<GitCredentials> open(Optional<byte[]> sealed) {
    return openWith(sealed, "git", SealedGitCredentials::open);
  }

  private <T> Optional<T> openWith(
      Optional<byte[]> sealed, String what, BiFunction<SecretBox, byte[], T> opener) {
    if (sealed.isEmpty()) {
      return Optional.empty();
    }
    if (box == null) {
      throw ServerError.internal(
          "the image repo has "
              + what
              + " credentials and build-service has no LANES_SECRET_KEY to open them",
          null);
    }
    return Optional.of(opener.apply(box, sealed.get()));
  }
}
