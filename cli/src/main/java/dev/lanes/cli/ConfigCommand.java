package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanes config}: named contexts (a URL, an API key, optionally the route registry's URL) in
 * {@code ~/.config/lanes/config.yaml}, as kubectl's. Keys are stored readable by the owner only and
 * never printed.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "config",
    description = "Contexts: which platform, with which key.",
    subcommands = {
      ConfigCommand.SetContext.class,
      ConfigCommand.UseContext.class,
      ConfigCommand.GetContexts.class,
      ConfigCommand.CurrentContext.class,
      ConfigCommand.DeleteContext.class
    })
public final class ConfigCommand {

  abstract static class FileCommand extends LanesCommand {
    Path file() {
      return Target.configFile(root().env());
    }

    ObjectNode read() {
      return Target.readConfig(file());
    }

    void write(ObjectNode config) {
      Target.writeConfig(file(), config);
    }
  }

  @Command(
      name = "set-context",
      description = "Create or change a context; the key is read from stdin with --api-key-stdin.")
  static final class SetContext extends FileCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--server", paramLabel = "URL", description = "The platform's URL")
    String server;

    @Option(
        names = "--registry-url",
        paramLabel = "URL",
        description =
            "The route registry's URL, for lanes routes (default: the server's host on port 8081)")
    String registryUrl;

    @Option(
        names = "--api-key-stdin",
        description = "Read the API key from the first line of standard input")
    boolean keyFromStdin;

    @Option(names = "--use", description = "Also make it the current context")
    boolean use;

    @Override
    public Integer call() throws Exception {
      ObjectNode config = read();
      ObjectNode contexts = config.with("contexts");
      ObjectNode context = contexts.with(name);
      if (server != null) {
        context.put("url", server);
      }
      if (registryUrl != null) {
        context.put("registry-url", registryUrl);
      }
      if (keyFromStdin) {
        context.put("api-key", Bodies.stdinLine("--api-key-stdin"));
      }
      if (use || !config.hasNonNull("current-context")) {
        config.put("current-context", name);
      }
      write(config);
      out().println("context " + name + " saved in " + file());
      return ExitCodes.OK;
    }
  }

  @Command(name = "use-context", description = "Make a context the current one.")
  static final class UseContext extends FileCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      ObjectNode config = read();
      if (!config.path("contexts").has(name)) {
        throw new CliException(ExitCodes.NOT_FOUND, "no context '" + name + "' in " + file());
      }
      config.put("current-context", name);
      write(config);
      out().println("switched to context " + name);
      return ExitCodes.OK;
    }
  }

  @Command(name = "get-contexts", description = "List the contexts (never their keys).")
  static final class GetContexts extends FileCommand {
    @Mixin OutputOption output;

    @Override
    public Integer call() {
      ObjectNode config = read();
      String current = config.path("current-context").asText(null);
      List<JsonNode> rows = new ArrayList<>();
      for (Iterator<String> it = Target.contextNames(config); it.hasNext(); ) {
        String n = it.next();
        JsonNode c = config.path("contexts").path(n);
        rows.add(
            ApiClient.JSON
                .createObjectNode()
                .put("name", n)
                .put("current", n.equals(current) ? "*" : "")
                .put("url", c.path("url").asText(""))
                .put("registry_url", c.path("registry-url").asText(""))
                .put("api_key", c.hasNonNull("api-key") ? "set" : "unset"));
      }
      output
          .printer(out())
          .list(
              "context",
              rows,
              List.of(
                  Printer.Column.of("current", "current"),
                  Printer.Column.of("name", "name"),
                  Printer.Column.of("url", "url"),
                  Printer.Column.wide("registry url", "registry_url"),
                  Printer.Column.of("api key", "api_key")));
      return ExitCodes.OK;
    }
  }

  @Command(name = "current-context", description = "Print the current context's name.")
  static final class CurrentContext extends FileCommand {
    @Override
    public Integer call() {
      String current = read().path("current-context").asText(null);
      if (current == null) {
        throw new CliException(ExitCodes.NOT_FOUND, "no current context in " + file());
      }
      out().println(current);
      return ExitCodes.OK;
    }
  }

  @Command(name = "delete-context", description = "Forget a context and its key.")
  static final class DeleteContext extends FileCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      ObjectNode config = read();
      if (config.path("contexts").isObject()) {
        ((ObjectNode) config.get("contexts")).remove(name);
      }
      if (name.equals(config.path("current-context").asText(null))) {
        config.remove("current-context");
      }
      write(config);
      out().println("context " + name + " deleted");
      return ExitCodes.OK;
    }
  }
}
