package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanes api-keys}: keys for people and CI, with scopes {@code read} < {@code deploy} <
 * {@code admin}. A key's secret is printed once, when it is created; listings never show it.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "api-keys",
    aliases = "api-key",
    description = "Create, list, show and revoke API keys (needs an admin key).",
    subcommands = {
      ApiKeysCommand.List.class,
      ApiKeysCommand.Get.class,
      ApiKeysCommand.Create.class,
      ApiKeysCommand.Delete.class
    })
public final class ApiKeysCommand {

  static final String KIND = "api-key";

  static final java.util.List<Printer.Column> COLUMNS =
      java.util.List.of(
          Printer.Column.of("id", "id"),
          Printer.Column.of("name", "name"),
          Printer.Column.of("scopes", "scopes"),
          Age.until("expires", "expires_at"),
          Printer.Column.wide("prefix", "prefix"),
          Printer.Column.wide("last used", "last_used_at"),
          Printer.Column.wide("expires at", "expires_at"),
          Printer.Column.wide("created", "created_at"),
          Age.since("age", "created_at"));

  /** The active key whose id or name is {@code idOrName}. */
  static JsonNode find(ApiClient api, String idOrName) {
    for (JsonNode key : api.list("/api-keys/")) {
      if (idOrName.equals(key.path("id").asText()) || idOrName.equals(key.path("name").asText())) {
        return key;
      }
    }
    throw new CliException(
        ExitCodes.NOT_FOUND, "no active API key with the id or name '" + idOrName + "'");
  }

  @Command(name = "list", aliases = "ls", description = "List the active keys (never a secret).")
  static final class List extends LanesCommand {
    @Mixin OutputOption output;

    @Override
    public Integer call() {
      output.printer(out()).list(KIND, api().list("/api-keys/"), COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", description = "Show an active key, by id or name (never its secret).")
  static final class Get extends LanesCommand {
    @Parameters(paramLabel = "KEY", description = "Its id or name")
    String key;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      output.printer(out()).one(KIND, find(api(), key), COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "create",
      description = {
        "Create a key and print it: the only time it is shown.",
        "Prints the key alone (for KEY=$(lanes api-keys create ...)); -o json or yaml print it"
            + " with its id, scopes and expiry."
      })
  static final class Create extends LanesCommand {
    @Parameters(paramLabel = "NAME", description = "Unique among active keys, e.g. ci or alice")
    String name;

    @Option(
        names = "--scope",
        paramLabel = "SCOPE",
        split = ",",
        required = true,
        description = "read, deploy or admin (repeat or comma-separate)")
    java.util.List<String> scopes;

    @Option(
        names = "--expires-in",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "The key stops working after this long, e.g. 720h (default: never)")
    Duration expiresIn;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      Printer printer = output.printer(out());
      if (printer.format() == Printer.Format.NAME) {
        // the key would be lost: it is in this answer only
        throw new CliException(
            ExitCodes.USAGE, "-o name would not show the key: use -o table, json or yaml");
      }
      ObjectNode body = ApiClient.JSON.createObjectNode().put("name", name);
      ArrayNode scopeList = body.putArray("scopes");
      scopes.forEach(scopeList::add);
      if (expiresIn != null) {
        body.put("expires_in_seconds", expiresIn.toSeconds());
      }
      JsonNode created = api().send("POST", "/api-keys/", body, Duration.ofSeconds(30));
      if (printer.format() == Printer.Format.JSON || printer.format() == Printer.Format.YAML) {
        printer.one(KIND, created, COLUMNS);
      } else {
        out().println(created.path("key").asText());
        out().flush();
      }
      err()
          .println(
              "api key "
                  + created.path("name").asText()
                  + " (id "
                  + created.path("id").asText()
                  + ", scopes "
                  + Printer.text(created.get("scopes"))
                  + ") created. Store the key now: it will not be shown again.");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "delete",
      aliases = {"revoke", "rm"},
      description = "Revoke a key, by id or name: it stops working at once.")
  static final class Delete extends LanesCommand {
    @Parameters(paramLabel = "KEY", description = "Its id or name")
    String key;

    @Override
    public Integer call() {
      JsonNode found = find(api(), key);
      String id = found.path("id").asText();
      api().send("DELETE", "/api-keys/" + ApiClient.enc(id), null, Duration.ofSeconds(30));
      out().println(KIND + "/" + found.path("name").asText() + " revoked");
      return ExitCodes.OK;
    }
  }
}
