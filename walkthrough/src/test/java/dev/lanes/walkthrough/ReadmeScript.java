package dev.lanes.walkthrough;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell blocks of a Markdown document, in order, with the outputs they promise. A block is a
 * fence opened with {@code ```sh}; one right after the line {@code <!-- walkthrough: skip -->} is
 * left out (it starts the platform, which the test does itself). A promise is a comment line {@code
 * # -> text}, continued by comment lines indented further ({@code # more}); in its text {@code ...}
 * stands for anything, {@code <40 hex>} for a commit, {@code <7 hex>} and {@code <tag>} for a short
 * one, any other {@code <word>} for one word, and spaces for any spacing (so {@code "a": 1} matches
 * {@code "a":1}).
 */
record ReadmeScript(List<Block> blocks) {

  static final String SKIP = "<!-- walkthrough: skip -->";

  /** One shell block: where it starts in the document, its text and its promises, in order. */
  record Block(int line, String script, List<String> promises) {

    /** The promises as patterns, in order. */
    List<Pattern> patterns() {
      return promises.stream().map(ReadmeScript::pattern).toList();
    }
  }

  static ReadmeScript parse(String markdown) {
    List<Block> blocks = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    String previous = "";
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.strip().equals("```sh")) {
        int start = i + 1;
        StringBuilder script = new StringBuilder();
        while (++i < lines.length && !lines[i].strip().equals("```")) {
          script.append(lines[i]).append('\n');
        }
        if (!previous.equals(SKIP)) {
          blocks.add(new Block(start, script.toString(), promises(script.toString())));
        }
      }
      if (!line.isBlank()) {
        previous = line.strip();
      }
    }
    return new ReadmeScript(blocks);
  }

  private static final Pattern PROMISE = Pattern.compile("^\\s*# -> (.*)$");
  private static final Pattern CONTINUED = Pattern.compile("^\\s*#\\s{2,}(\\S.*)$");

  static List<String> promises(String script) {
    List<String> promises = new ArrayList<>();
    StringBuilder current = null;
    for (String line : script.split("\n")) {
      Matcher p = PROMISE.matcher(line);
      Matcher c = CONTINUED.matcher(line);
      if (p.matches()) {
        if (current != null) {
          promises.add(current.toString());
        }
        current = new StringBuilder(p.group(1).strip());
      } else if (current != null && c.matches()) {
        current.append(' ').append(c.group(1).strip());
      } else if (current != null) {
        promises.add(current.toString());
        current = null;
      }
    }
    if (current != null) {
      promises.add(current.toString());
    }
    return promises;
  }

  private static final Pattern TOKEN = Pattern.compile("\\.\\.\\.|<[^<>]+>|\\s+");

  static Pattern pattern(String promise) {
    StringBuilder regex = new StringBuilder();
    Matcher m = TOKEN.matcher(promise);
    int at = 0;
    while (m.find()) {
      regex.append(Pattern.quote(promise.substring(at, m.start())));
      String t = m.group();
      if (t.equals("...")) {
        regex.append(".*?");
      } else if (t.isBlank()) {
        regex.append("\\s*");
      } else if (t.equals("<40 hex>")) {
        regex.append("[0-9a-f]{40}");
      } else if (t.equals("<7 hex>") || t.equals("<tag>")) {
        regex.append("[0-9a-f]{7}");
      } else {
        regex.append("[^\\s\"]+");
      }
      at = m.end();
    }
    regex.append(Pattern.quote(promise.substring(at)));
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
