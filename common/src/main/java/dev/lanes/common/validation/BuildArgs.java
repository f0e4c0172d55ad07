package dev.lanes.common.validation;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Build arguments ({@code ARG} values of a Dockerfile), as an image repo and a build request give
 * them: visible values, so they are not for secrets. Names as variable names, sizes bounded so that
 * they fit a Job's arguments many times over.
 */
public final class BuildArgs {

  public static final int MAX_ARGS = 64;
  public static final int MAX_NAME = 128;
  public static final int MAX_VALUE = 4096;

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private BuildArgs() {}

  /**
   * The map in {@code field}, checked (every problem added to the body's validation), sorted by
   * name so that a Job's arguments are stable; {@code null} when absent or null.
   */
  public static Map<String, String> read(JsonBody body, String field) {
    Map<String, String> args = body.stringMap(field, false);
    if (args == null) {
      return null;
    }
    Validation v = body.validation();
    v.check(args.size() <= MAX_ARGS, field, "must have at most " + MAX_ARGS + " arguments");
    args.forEach(
        (name, value) -> {
          String at = field + "." + name;
          v.check(
              NAME.matcher(name).matches() && name.length() <= MAX_NAME,
              at,
              "must be a variable name: letters, digits and '_', not starting with a digit, at"
                  + " most "
                  + MAX_NAME
                  + " characters");
          v.check(value.length() <= MAX_VALUE, at, "must be at most " + MAX_VALUE + " characters");
        });
    return new TreeMap<>(args);
  }
}
