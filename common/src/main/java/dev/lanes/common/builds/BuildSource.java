package dev.lanes.common.builds;

import dev.lanes.common.domain.Builder;
import dev.lanes.common.domain.ImageRepo;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

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
    Builder builder,
    Map<String, String> buildArgs,
    String cacheRepo) {

  public static BuildSource of(ImageRepo repo) {
    return new BuildSource(
        repo.gitRepo(),
        repo.registry(),
        repo.contextDir(),
        repo.dockerfile(),
        repo.noCache(),
        repo.builder(),
        repo.buildArgs(),
        repo.cacheRepo());
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("git_repo", gitRepo)
        .put("registry", registry)
        .put("context_dir", contextDir)
        .put("dockerfile", dockerfile)
        .put("no_cache", noCache)
        .put("builder", builder.value())
        .put("build_args", new JsonObject(new TreeMap<String, Object>(buildArgs)))
        .put("cache_repo", cacheRepo);
  }

  /**
   * The source a build request asks for: the repo's, with the request's build arguments over the
   * repo's and its {@code no_cache} when it gives one.
   */
  public BuildSource with(BuildOverrides overrides) {
    Map<String, String> args = new TreeMap<>(buildArgs);
    args.putAll(overrides.buildArgs());
    boolean cache = overrides.noCache() == null ? noCache : overrides.noCache();
    return new BuildSource(
        gitRepo, registry, contextDir, dockerfile, cache, builder, args, cacheRepo);
  }

  private static Map<String, String> args(JsonObject json) {
    Map<String, String> args = new TreeMap<>();
    if (json != null) {
      json.forEach(e -> args.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return args;
  }

  public static BuildSource fromJson(JsonObject json) {
    return new BuildSource(
        json.getString("git_repo"),
        json.getString("registry"),
        json.getString("context_dir", ImageRepo.DEFAULT_CONTEXT_DIR),
        json.getString("dockerfile", ImageRepo.DEFAULT_DOCKERFILE),
        json.getBoolean("no_cache", false),
        Builder.ofStored(json.getString("builder")),
        args(json.getJsonObject("build_args")),
        json.getString("cache_repo"));
  }
}
