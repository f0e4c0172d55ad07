package dev.lanes.gateway.http;

import dev.lanes.common.domain.Builder;
import dev.lanes.common.domain.GitCredentials;
import dev.lanes.common.domain.ImageRepo;
import dev.lanes.common.domain.RegistryCredentials;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.net.GitNetworks;
import dev.lanes.common.net.SshGitUrl;
import dev.lanes.common.validation.BuildArgs;
import dev.lanes.common.validation.JsonBody;
import dev.lanes.common.validation.Rules;
import dev.lanes.common.validation.Validation;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Reads image repo bodies: every field checked, every error collected. */
final class ImageRepoRequests {

  private final boolean allowLocalGit;
  private final GitNetworks gitNetworks;
  private final Builder defaultBuilder;

  ImageRepoRequests(boolean allowLocalGit, GitNetworks gitNetworks, Builder defaultBuilder) {
    this.allowLocalGit = allowLocalGit;
    this.gitNetworks = gitNetworks;
    this.defaultBuilder = defaultBuilder;
  }

  /** The repo a POST asks for. */
  ImageRepo create(JsonBody body) {
    Validation v = body.validation();
    String name = body.requiredString("name");
    if (name != null) {
      Rules.checkName(v, "name", name);
    }
    body.required("registry");
    body.required("git_repo");
    ImageRepo draft =
        new ImageRepo(
            name,
            null,
            null,
            ImageRepo.DEFAULT_CONTEXT_DIR,
            ImageRepo.DEFAULT_DOCKERFILE,
            false,
            defaultBuilder,
            Map.of(),
            null,
            null,
            null,
            Map.of(),
            null,
            null);
    ImageRepo repo = readChanges(body).apply(draft);
    body.rejectUnknownFields();
    v.throwIfInvalid();
    return fitting(repo);
  }

  /** The change a PUT asks for; fields left out keep their values. */
  UnaryOperator<ImageRepo> update(JsonBody body, String pathName) {
    Validation v = body.validation();
    String name = body.string("name");
    v.check(name == null || name.equals(pathName), "name", "cannot be changed");
    for (String required : new String[] {"registry", "git_repo"}) {
      v.check(!body.isNull(required), required, "cannot be null");
    }
    UnaryOperator<ImageRepo> change = readChanges(body);
    body.rejectUnknownFields();
    v.throwIfInvalid();
    // checked against the stored repo inside the update's transaction: either side may be kept
    return current -> fitting(change.apply(current));
  }

  /** Reads and checks every writable field present; the result applies them to a repo. */
  private UnaryOperator<ImageRepo> readChanges(JsonBody body) {
    Validation v = body.validation();
    String registry = body.string("registry");
    if (registry != null) {
      Rules.checkImageRepository(v, "registry", registry);
    }
    String gitRepo = body.string("git_repo");
    if (gitRepo != null && Rules.checkGitRepo(v, "git_repo", gitRepo, allowLocalGit)) {
      refuseALiteralAddress(gitRepo);
    }
    String contextDir = orDefault(body, "context_dir", ImageRepo.DEFAULT_CONTEXT_DIR);
    if (contextDir != null) {
      Rules.checkRelativePath(v, "context_dir", contextDir);
    }
    String dockerfile = orDefault(body, "dockerfile", ImageRepo.DEFAULT_DOCKERFILE);
    if (dockerfile != null) {
      Rules.checkRelativePath(v, "dockerfile", dockerfile);
    }
    Boolean noCache = body.bool("no_cache");
    Builder builder = builder(body);
    // replaced whole: a repo's arguments are few and read together
    Map<String, String> buildArgs =
        body.isNull("build_args") ? Map.of() : BuildArgs.read(body, "build_args");
    boolean defaultCache = body.isNull("cache_repo");
    String cacheRepo = body.string("cache_repo");
    if (cacheRepo != null) {
      Rules.checkImageRepository(v, "cache_repo", cacheRepo);
    }
    UnaryOperator<GitCredentials> credentials = GitCredentialsRequests.read(body);
    UnaryOperator<RegistryCredentials> registryCredentials = RegistryCredentialsRequests.read(body);
    UnaryOperator<Map<String, String>> buildSecrets = BuildSecretsRequests.read(body);
    return current ->
        new ImageRepo(
            current.name(),
            registry != null ? registry : current.registry(),
            gitRepo != null ? gitRepo : current.gitRepo(),
            contextDir != null ? contextDir : current.contextDir(),
            dockerfile != null ? dockerfile : current.dockerfile(),
            noCache != null ? noCache : current.noCache(),
            builder != null ? builder : current.builder(),
            buildArgs != null ? buildArgs : current.buildArgs(),
            defaultCache ? null : cacheRepo != null ? cacheRepo : current.cacheRepo(),
            credentials.apply(current.gitCredentials()),
            registryCredentials.apply(current.registryCredentials()),
            buildSecrets.apply(current.buildSecrets()),
            current.createdAt(),
            current.updatedAt());
  }

  /**
   * The builder the body names; {@code null} (the default at creation, unchanged on update) when
   * absent or null.
   */
  private Builder builder(JsonBody body) {
    if (body.isNull("builder")) {
      return defaultBuilder;
    }
    String name = body.string("builder");
    if (name == null) {
      return null;
    }
    Optional<Builder> builder = Builder.parse(name);
    body.validation()
        .check(
            builder.isPresent(), "builder", "must be one of " + String.join(", ", Builder.names()));
    return builder.orElse(null);
  }

  /** The repo as changed, refused when its credentials do not fit its git_repo (any more). */
  private static ImageRepo fitting(ImageRepo repo) {
    GitCredentialsRequests.checkFits(repo);
    BuildSecretsRequests.checkBuilder(repo);
    if (repo.builder() == Builder.BUILDKIT
        && repo.gitRepo() != null
        && SshGitUrl.parse(repo.gitRepo()).isPresent()) {
      Validation v = new Validation();
      v.add(
          "builder",
          "buildkit does not build SSH repositories yet: use kaniko (its init container clones"
              + " them), or an https:// git_repo");
      v.throwIfInvalid();
    }
    return repo;
  }

  /** The field's string; its default when it is {@code null}; {@code null} when absent. */
  private static String orDefault(JsonBody body, String field, String defaultValue) {
    return body.isNull(field) ? defaultValue : body.string(field);
  }

  /**
   * A repository at a literal address the rules refuse is refused now; a name is checked by
   * build-service when it resolves it.
   */
  private void refuseALiteralAddress(String gitRepo) {
    Optional<SshGitUrl> ssh = SshGitUrl.parse(gitRepo);
    if (!gitRepo.contains("://") && ssh.isEmpty()) {
      return; // owner/repo: github.com
    }
    String host = ssh.isPresent() ? ssh.get().host() : URI.create(gitRepo).getHost();
    if (host == null) {
      return; // file://, allowed only with local git
    }
    gitNetworks
        .refusalOfLiteral(host)
        .ifPresent(
            why -> {
              throw new ClientError(ErrorCode.GIT_REPO_NOT_ALLOWED, "git_repo: " + why);
            });
  }
}
