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
        names = "--build-secret",
        paramLabel = "NAME=@FILE",
        description =
            "A BuildKit secret of every build, its value read from FILE (never given on the"
                + " command line); NAME= deletes it; repeatable; needs --builder buildkit")
    java.util.Map<String, String> buildSecrets;

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
        names = "--registry-username",
        paramLabel = "NAME",
        description =
            "User name for the repo's registry host (a robot account); the password comes from"
                + " --registry-password-stdin")
    String registryUsername;

    @Option(
        names = "--registry-password-stdin",
        description = "Read the registry password or token from standard input (its first line)")
    boolean registryPasswordStdin;

    @Option(
        names = "--registry-config",
        paramLabel = "FILE",
        description =
            "A docker config (.dockerconfigjson, e.g. ~/.docker/config.json): its auths become the"
                + " repo's registry credentials")
    File registryConfig;

    @Option(
        names = "--no-registry-credentials",
        description = "Remove the repo's registry credentials: the platform's secret is used again")
    boolean noRegistryCredentials;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description = "YAML or JSON, e.g. what -o yaml printed; - reads stdin")
    File file;

    /** Credentials the file had with their secrets masked: left out of the body. */
    final java.util.Set<String> maskedCredentials = new java.util.TreeSet<>();

    /** Whether a value anywhere in {@code node} is {@code "***"}: what answers show of a secret. */
    private static boolean holdsMasked(JsonNode node) {
      if (node.isTextual()) {
        return Bodies.MASKED.equals(node.asText());
      }
      for (JsonNode child : node) {
        if (holdsMasked(child)) {
          return true;
        }
      }
      return false;
    }

    ObjectNode body() {
      boolean fileFromStdin = file != null && file.getPath().equals("-");
      if ((gitPasswordStdin || registryPasswordStdin) && fileFromStdin) {
        throw new CliException(
            ExitCodes.USAGE,
            "a --*-password-stdin flag and -f - both read stdin: give the file a path");
      }
      if (gitPasswordStdin && registryPasswordStdin) {
        throw new CliException(
            ExitCodes.USAGE,
            "--git-password-stdin and --registry-password-stdin both read stdin: set one, then the"
                + " other with a second update");
      }
      ObjectNode body = Bodies.from(file, READ_ONLY);
      // a file written by `-o yaml` holds the password as "***": never send that as one
      if (!Bodies.takeMasked(body, "build_secrets").isEmpty()) {
        maskedCredentials.add("build_secrets");
        if (body.get("build_secrets") instanceof ObjectNode left && left.isEmpty()) {
          body.remove("build_secrets");
        }
      }
      for (String field : new String[] {"git_credentials", "registry_credentials"}) {
        if (body.get(field) instanceof ObjectNode creds && holdsMasked(creds)) {
          body.remove(field);
          maskedCredentials.add(field);
        }
      }
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
      if (buildSecrets != null) {
        ObjectNode secrets =
            body.get("build_secrets") instanceof ObjectNode o ? o : body.putObject("build_secrets");
        buildSecrets.forEach((name, from) -> secrets.put(name, secretValue(name, from)));
      }
      gitCredentials(body);
      registryCredentials(body);
      return body;
    }

    private void registryCredentials(ObjectNode body) {
      int given =
          (registryUsername != null || registryPasswordStdin ? 1 : 0)
              + (registryConfig != null ? 1 : 0)
              + (noRegistryCredentials ? 1 : 0);
      if (given > 1) {
        throw new CliException(
            ExitCodes.USAGE,
            "give one of --registry-username with --registry-password-stdin, --registry-config"
                + " or --no-registry-credentials");
      }
      if (noRegistryCredentials) {
        body.putNull("registry_credentials");
      } else if (registryConfig != null) {
        ObjectNode config = Bodies.from(registryConfig);
        if (!(config.get("auths") instanceof ObjectNode auths)) {
          throw new CliException(
              ExitCodes.USAGE, registryConfig + ": a docker config has an \"auths\" object");
        }
        body.putObject("registry_credentials").set("auths", auths);
      } else if (registryUsername != null || registryPasswordStdin) {
        if (registryUsername == null || !registryPasswordStdin) {
          throw new CliException(
              ExitCodes.USAGE,
              "registry credentials need both --registry-username and --registry-password-stdin");
        }
        body.putObject("registry_credentials")
            .put("username", registryUsername)
            .put("password", Bodies.stdinLine("--registry-password-stdin"));
      }
    }

    /** The value of {@code --build-secret NAME=@FILE}; {@code null} for {@code NAME=}. */
    private static String secretValue(String name, String from) {
      if (from == null || from.isEmpty()) {
        return null;
      }
      if (!from.startsWith("@")) {
        throw new CliException(
            ExitCodes.USAGE,
            "--build-secret " + name + ": give the value as @FILE, never on the command line");
      }
      try {
        return java.nio.file.Files.readString(java.nio.file.Path.of(from.substring(1)));
      } catch (java.io.IOException e) {
        throw new CliException(
            ExitCodes.USAGE, "--build-secret " + name + ": cannot read " + from.substring(1));
      }
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
      for (String field : fields.maskedCredentials) {
        if (!body.has(field)) {
          err()
              .println(
                  "warning: "
                      + field
                      + " not copied (the file shows their secrets as ***); give them with the"
                      + " --git-* or --registry-* flags");
        }
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
