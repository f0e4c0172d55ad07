package dev.lanes.common.builds;

import dev.lanes.common.domain.Builder;
import dev.lanes.common.domain.ImageRepo;
import io.vertx.core.json.JsonObject;

/**
 * What a build builds: the image repo as it was when the build was requested, so that a change to
 * the repo later does not change a build under way.
 */
public record BuildSource(
    String gitRepo,
    String registry,
    String contextDir,
    String dockerfile,
    boolean noCache,
    Builder builder) {

  public static BuildSource of(ImageRepo repo) {
    return new BuildSource(
        repo.gitRepo(),
        repo.registry(),
        repo.contextDir(),
        repo.dockerfile(),
        repo.noCache(),
        repo.builder());
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("git_repo", gitRepo)
        .put("registry", registry)
        .put("context_dir", contextDir)
        .put("dockerfile", dockerfile)
        .put("no_cache", noCache)
        .put("builder", builder.value());
  }

  public static BuildSource fromJson(JsonObject json) {
    return new BuildSource(
        json.getString("git_repo"),
        json.getString("registry"),
        json.getString("context_dir", ImageRepo.DEFAULT_CONTEXT_DIR),
        json.getString("dockerfile", ImageRepo.DEFAULT_DOCKERFILE),
        json.getBoolean("no_cache", false),
        Builder.ofStored(json.getString("builder")));
  }
}
