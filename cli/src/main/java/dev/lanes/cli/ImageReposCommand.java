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
          Printer.Column.wide("no cache", "no_cache"),
          new Printer.Column(
              "git user", n -> Printer.text(n.path("git_credentials").get("username")), true),
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
        description =
            "owner/repo (GitHub), or an https:// or git:// URL; private ones with --git-username")
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
        description = "Build without Kaniko's layer cache (--no-cache=false turns it back on)")
    Boolean noCache;

    @Option(
        names = "--git-username",
        paramLabel = "NAME",
        description =
            "HTTPS user name of a private repository (x-access-token for a GitHub token); give"
                + " the password or token with --git-password-stdin")
    String gitUsername;

    @Option(
        names = "--git-password-stdin",
        description =
            "Read the git password or token from standard input (its first line): never on the"
                + " command line, where the shell history and the process list would keep it")
    boolean gitPasswordStdin;

    @Option(names = "--no-git-credentials", description = "Remove the repo's git credentials")
    boolean noGitCredentials;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description = "YAML or JSON, e.g. what -o yaml printed; - reads stdin")
    File file;

    /** The file had git credentials, their password masked: they were left out. */
    boolean maskedCredentials;

    ObjectNode body() {
      boolean fileFromStdin = file != null && file.getPath().equals("-");
      if (gitPasswordStdin && fileFromStdin) {
        throw new CliException(
            ExitCodes.USAGE, "--git-password-stdin and -f - both read stdin: give the file a path");
      }
      ObjectNode body = Bodies.from(file, READ_ONLY);
      // a file written by `-o yaml` holds the password as "***": never send that as one
      if (body.get("git_credentials") instanceof ObjectNode creds
          && Bodies.MASKED.equals(creds.path("password").asText())) {
        body.remove("git_credentials");
        maskedCredentials = true;
      }
      Bodies.put(body, "registry", registry);
      Bodies.put(body, "git_repo", gitRepo);
      Bodies.put(body, "context_dir", contextDir);
      Bodies.put(body, "dockerfile", dockerfile);
      Bodies.put(body, "no_cache", noCache);
      gitCredentials(body);
      return body;
    }

    private void gitCredentials(ObjectNode body) {
      boolean given = gitUsername != null || gitPasswordStdin;
      if (noGitCredentials && given) {
        throw new CliException(
            ExitCodes.USAGE, "--no-git-credentials removes them: give it without --git-* flags");
      }
      if (noGitCredentials) {
        body.putNull("git_credentials");
        return;
      }
      if (!given) {
        return;
      }
      if (gitUsername == null || !gitPasswordStdin) {
        throw new CliException(
            ExitCodes.USAGE, "git credentials need both --git-username and --git-password-stdin");
      }
      body.putObject("git_credentials")
          .put("type", "basic")
          .put("username", gitUsername)
          .put("password", Bodies.stdinLine("--git-password-stdin"));
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
      if (fields.maskedCredentials && !body.has("git_credentials")) {
        err()
            .println(
                "warning: git_credentials not copied (the file shows the password as ***); give"
                    + " them with --git-username and --git-password-stdin");
      }
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
