package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lanes image-repos}: what is built (git repository, Dockerfile) and where it is pushed. */
@Command(
    mixinStandardHelpOptions = true,
    name = "image-repos",
    aliases = {"image-repo", "repos"},
    description = "List, show, create, update and delete image repos (build configuration).",
    subcommands = {
      ImageReposCommand.List.class,
      ImageReposCommand.Get.class,
      ImageReposCommand.Create.class,
      ImageReposCommand.Update.class,
      ImageReposCommand.Delete.class
    })
public final class ImageReposCommand {

  static final String KIND = "image-repo";

  static final java.util.List<Printer.Column> COLUMNS =
      java.util.List.of(
          Printer.Column.of("name", "name"),
          Printer.Column.of("registry", "registry"),
          Printer.Column.of("git repo", "git_repo"),
          Printer.Column.wide("context dir", "context_dir"),
          Printer.Column.wide("dockerfile", "dockerfile"),
          Printer.Column.wide("builder", "builder"),
          Printer.Column.wide("no cache", "no_cache"),
          Printer.Column.wide("created", "created_at"),
          Age.since("age", "created_at"));

  /** What the API answers but does not take: dropped from {@code -f} files. */
  static final String[] READ_ONLY = {"created_at", "updated_at"};

  static String path(String name) {
    return "/image-repos/" + ApiClient.enc(name);
  }

  @Command(name = "list", aliases = "ls", description = "List image repos, by name.")
  static final class List extends LanesCommand {
    @Mixin OutputOption output;

    @Override
    public Integer call() {
      output.printer(out()).list(KIND, api().list("/image-repos/"), COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", description = "Show one image repo.")
  static final class Get extends LanesCommand {
    @Parameters(paramLabel = "REPO")
    String name;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      output.printer(out()).one(KIND, api().get(path(name)), COLUMNS);
      return ExitCodes.OK;
    }
  }

  /** The fields of an image repo, from flags; a file ({@code -f}) gives the rest. */
  static class Fields {
    @Option(
        names = "--registry",
        paramLabel = "IMAGE",
        description = "Where images are pushed, without tag: harbor.local:30002/team/web")
    String registry;

    @Option(
        names = "--git-repo",
        paramLabel = "REPO",
        description = "owner/repo (GitHub), or an https:// or git:// URL")
    String gitRepo;

    @Option(
        names = "--context-dir",
        paramLabel = "DIR",
        description = "The build context in the repository (default .)")
    String contextDir;

    @Option(
        names = "--dockerfile",
        paramLabel = "PATH",
        description = "Relative to the context (default Dockerfile)")
    String dockerfile;

    @Option(
        names = "--no-cache",
        arity = "0..1",
        paramLabel = "BOOL",
        description = "Build without the layer cache (--no-cache=false turns it back on)")
    Boolean noCache;

    @Option(
        names = "--builder",
        paramLabel = "BUILDER",
        description = "kaniko or buildkit (default: the platform's DEFAULT_BUILDER)")
    String builder;

    @Option(
        names = "--cache-repo",
        paramLabel = "REPO",
        description =
            "Where builds keep their layer cache (default: the platform's KANIKO_CACHE_REPO)")
    String cacheRepo;

    @Option(
        names = "--build-arg",
        paramLabel = "NAME=VALUE",
        description = "A build argument of every build; repeatable; replaces the repo's")
    java.util.Map<String, String> buildArgs;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description = "YAML or JSON, e.g. what -o yaml printed; - reads stdin")
    File file;

    ObjectNode body() {
      ObjectNode body = Bodies.from(file, READ_ONLY);
      Bodies.put(body, "registry", registry);
      Bodies.put(body, "git_repo", gitRepo);
      Bodies.put(body, "context_dir", contextDir);
      Bodies.put(body, "dockerfile", dockerfile);
      Bodies.put(body, "no_cache", noCache);
      Bodies.put(body, "builder", builder);
      Bodies.put(body, "cache_repo", cacheRepo);
      if (buildArgs != null) {
        buildArgs.forEach(body.putObject("build_args")::put);
      }
      return body;
    }
  }

  @Command(name = "create", description = "Create an image repo.")
  static final class Create extends LanesCommand {
    @Parameters(paramLabel = "REPO", arity = "0..1", description = "Its name (or the file's)")
    String name;

    @Mixin Fields fields;
    @Mixin OutputOption output;

    @Override
    public Integer call() {
      ObjectNode body = fields.body();
      Bodies.put(body, "name", name);
      JsonNode repo = api().send("POST", "/image-repos/", body, Duration.ofSeconds(30));
      output.printer(out()).one(KIND, repo, COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "update", description = "Change an image repo: only the given fields.")
  static final class Update extends LanesCommand {
    @Parameters(paramLabel = "REPO")
    String name;

    @Mixin Fields fields;
    @Mixin OutputOption output;

    @Override
    public Integer call() {
      ObjectNode body = fields.body();
      body.remove("name");
      if (body.isEmpty()) {
        throw new CliException(ExitCodes.USAGE, "nothing to update: give a flag or -f FILE");
      }
      JsonNode repo = api().send("PUT", path(name), body, Duration.ofSeconds(30));
      output.printer(out()).one(KIND, repo, COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "delete", aliases = "rm", description = "Delete an image repo that no app uses.")
  static final class Delete extends LanesCommand {
    @Parameters(paramLabel = "REPO")
    String name;

    @Override
    public Integer call() {
      api().send("DELETE", path(name), null, Duration.ofSeconds(30));
      out().println(KIND + "/" + name + " deleted");
      return ExitCodes.OK;
    }
  }
}
