package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lanes apps}: what runs, from which image repo, on which port, with which env. */
@Command(
    mixinStandardHelpOptions = true,
    name = "apps",
    aliases = "app",
    description = "List, show, create, update and delete apps.",
    subcommands = {
      AppsCommand.List.class,
      AppsCommand.Get.class,
      AppsCommand.Create.class,
      AppsCommand.Update.class,
      AppsCommand.Delete.class
    })
public final class AppsCommand {

  static final String KIND = "app";

  static final java.util.List<Printer.Column> COLUMNS =
      java.util.List.of(
          Printer.Column.of("name", "name"),
          Printer.Column.of("image repo", "image_repo"),
          Printer.Column.of("port", "port"),
          Printer.Column.of("replicas", "replicas"),
          Printer.Column.wide("health path", "health_path"),
          Printer.Column.wide("description", "description"),
          Printer.Column.wide("created", "created_at"));

  static String path(String name) {
    return "/apps/" + ApiClient.enc(name);
  }

  @Command(name = "list", aliases = "ls", description = "List apps, by name.")
  static final class List extends LanesCommand {
    @Mixin OutputOption output;

    @Override
    public Integer call() {
      output.printer(out()).list(KIND, api().list("/apps/"), COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", description = "Show one app.")
  static final class Get extends LanesCommand {
    @Parameters(paramLabel = "APP")
    String name;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      output.printer(out()).one(KIND, api().get(path(name)), COLUMNS);
      return ExitCodes.OK;
    }
  }

  /** The fields an app is made of, from flags; a file ({@code -f}) gives the rest. */
  static class Fields {
    @Option(names = "--image-repo", paramLabel = "REPO")
    String imageRepo;

    @Option(names = "--port", paramLabel = "PORT", description = "0 makes a worker")
    Integer port;

    @Option(names = "--replicas")
    Integer replicas;

    @Option(names = "--description")
    String description;

    @Option(names = "--health-path", paramLabel = "PATH")
    String healthPath;

    @Option(
        names = "--env",
        paramLabel = "KEY=VALUE",
        description = "An env (repeat); KEY= deletes it on update")
    Map<String, String> envs;

    @Option(
        names = "--secret-env",
        paramLabel = "KEY=VALUE",
        description = "A secret env, never shown again (repeat)")
    Map<String, String> secretEnvs;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description = "YAML or JSON; - reads stdin")
    File file;

    /** The maps the file gave whole ({@code envs}, {@code secret_envs}), once {@link #body} ran. */
    private Set<String> fileMaps = Set.of();

    /** The file's fields, then the flags' over them. */
    ObjectNode body() {
      ObjectNode body = Bodies.from(file, "created_at", "updated_at");
      fileMaps = Bodies.present(body, "envs", "secret_envs");
      Bodies.put(body, "image_repo", imageRepo);
      Bodies.put(body, "port", port);
      Bodies.put(body, "replicas", replicas);
      Bodies.put(body, "description", description);
      Bodies.put(body, "health_path", healthPath);
      Bodies.put(body, "envs", envs);
      Bodies.put(body, "secret_envs", secretEnvs);
      return body;
    }

    /**
     * Makes the file's maps replace those of {@code current} (the app as it is; {@code null} for a
     * new one) and answers the secret envs the file could not carry: those answered as {@code
     * "***"} that the app does not have already.
     */
    Set<String> apply(ObjectNode body, JsonNode current) {
      Set<String> masked = Bodies.takeMasked(body, "secret_envs");
      JsonNode secrets =
          current == null ? ApiClient.JSON.createObjectNode() : current.path("secret_envs");
      Set<String> kept = new TreeSet<>();
      Set<String> lost = new TreeSet<>();
      masked.forEach(k -> (secrets.has(k) ? kept : lost).add(k));
      if (current != null && fileMaps.contains("envs")) {
        Bodies.replace(body, "envs", current.path("envs"), Set.of());
      }
      if (current != null && fileMaps.contains("secret_envs")) {
        Bodies.replace(body, "secret_envs", secrets, kept);
      }
      if (body.get("secret_envs") instanceof ObjectNode s && s.isEmpty()) {
        body.remove("secret_envs");
      }
      return lost;
    }
  }

  /**
   * Says on stderr which secret values of the file did not reach {@code app}, and how to set them.
   */
  static void warnLost(PrintWriter err, String app, Set<String> lost) {
    for (String key : lost) {
      err.println(
          "warning: secret_envs."
              + key
              + " is write-only and was not in the file; set it with lanes apps update "
              + app
              + " --secret-env "
              + key
              + "=...");
    }
    err.flush();
  }

  @Command(name = "create", description = "Create an app.")
  static final class Create extends LanesCommand {
    @Parameters(paramLabel = "APP", arity = "0..1", description = "Its name (or the file's)")
    String name;

    @Mixin Fields fields;
    @Mixin OutputOption output;

    @Override
    public Integer call() {
      ObjectNode body = fields.body();
      Bodies.put(body, "name", name);
      Set<String> lost = fields.apply(body, null);
      JsonNode app = api().send("POST", "/apps/", body, Duration.ofSeconds(30));
      output.printer(out()).one(KIND, app, COLUMNS);
      warnLost(err(), app.path("name").asText(), lost);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "update",
      description = {
        "Change an app: only the given fields; envs merge key by key.",
        "Maps in a file (envs, secret_envs) are the app's whole maps: keys it leaves out are"
            + " deleted, and secret values shown as *** stay as they are."
      })
  static final class Update extends LanesCommand {
    @Parameters(paramLabel = "APP")
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
      Set<String> lost = fields.apply(body, fields.file == null ? null : api().get(path(name)));
      JsonNode app = api().send("PUT", path(name), body, Duration.ofSeconds(30));
      output.printer(out()).one(KIND, app, COLUMNS);
      warnLost(err(), name, lost);
      return ExitCodes.OK;
    }
  }

  @Command(name = "delete", aliases = "rm", description = "Delete an app.")
  static final class Delete extends LanesCommand {
    @Parameters(paramLabel = "APP")
    String name;

    @Override
    public Integer call() {
      api().send("DELETE", path(name), null, Duration.ofSeconds(30));
      out().println(KIND + "/" + name + " deleted");
      return ExitCodes.OK;
    }
  }
}
