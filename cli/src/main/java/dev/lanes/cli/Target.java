package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.Map;

/**
 * Which platform the CLI talks to and with which key: {@code --url} and {@code LANES_URL}, {@code
 * LANES_API_KEY}, else the current (or {@code --context}) context of {@code
 * ~/.config/lanes/config.yaml} ({@code LANES_CONFIG} moves it). The key is never printed.
 *
 * @param lane the lane API calls are routed to ({@code --via-lane}, sent as {@code x-lane}), or
 *     {@code null}
 * @param registry the route registry's URL and where it came from, if configured: {@code
 *     LANES_REGISTRY_URL}, else the context's {@code registry-url} when the context gave the URL
 *     too; {@code null} for the API's host on port 8081
 */
public record Target(String url, String apiKey, String context, String lane, Source registry) {

  /** A configured value and where it was found, for errors that say how to change it. */
  public record Source(String value, String from) {}

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The configuration file: contexts with a URL and a key, and the current one. */
  public static Path configFile(Map<String, String> env) {
    String explicit = env.get("LANES_CONFIG");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("lanes").resolve("config.yaml");
  }

  static Target resolve(
      Map<String, String> env, String urlFlag, String contextFlag, String viaLane) {
    ObjectNode config = readConfig(configFile(env));
    String contextName = contextFlag != null ? contextFlag : text(config, "current-context");
    JsonNode context = contextName == null ? null : config.path("contexts").get(contextName);
    if (contextFlag != null && context == null) {
      throw new CliException(
          ExitCodes.USAGE,
          "no context '" + contextFlag + "' in " + configFile(env) + " (see lanes config)");
    }
    String url =
        firstOf(urlFlag, env.get("LANES_URL"), context == null ? null : text(context, "url"));
    String key =
        firstOf(env.get("LANES_API_KEY"), context == null ? null : text(context, "api-key"));
    if (url == null) {
      url = "http://localhost:8080";
    }
    return new Target(
        stripSlash(url), key, contextName, viaLane, registry(env, urlFlag, contextName, context));
  }

  private static Source registry(
      Map<String, String> env, String urlFlag, String contextName, JsonNode context) {
    String fromEnv = firstOf(env.get("LANES_REGISTRY_URL"));
    if (fromEnv != null) {
      return new Source(stripSlash(fromEnv), "LANES_REGISTRY_URL");
    }
    // a context's registry belongs to its platform: not to one named by --url or LANES_URL
    boolean urlFromContext = firstOf(urlFlag, env.get("LANES_URL")) == null;
    String fromContext =
        context == null || !urlFromContext ? null : firstOf(text(context, "registry-url"));
    return fromContext == null
        ? null
        : new Source(stripSlash(fromContext), "the registry-url of context " + contextName);
  }

  static ObjectNode readConfig(Path file) {
    if (!Files.exists(file)) {
      return YAML.createObjectNode();
    }
    try {
      JsonNode node = YAML.readTree(file.toFile());
      return node instanceof ObjectNode o ? o : YAML.createObjectNode();
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Writes the configuration readable by its owner only: it holds API keys. */
  static void writeConfig(Path file, ObjectNode config) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (!Files.exists(file)) {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      YAML.writeValue(file.toFile(), config);
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot write " + file + ": " + e.getMessage());
    }
  }

  /** The context names of {@code config}, in the file's order. */
  static Iterator<String> contextNames(ObjectNode config) {
    return config.path("contexts").fieldNames();
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String firstOf(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @Override
  public String toString() {
    // never the key
    return "Target[url="
        + url
        + ", context="
        + context
        + ", lane="
        + lane
        + ", registry="
        + registry
        + "]";
  }
}
