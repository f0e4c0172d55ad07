package dev.lanes.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tables of docs/architecture.md ("Who owns what") have one owner each, and the code agrees:
 * SQL naming a table, to read or to write it, appears only in its owner's module or in {@code
 * common}, where owners publish their queries. Benchmarks, which seed tables directly, are not
 * services and are left out.
 */
class TableOwnershipTest {

  private static final Path ROOT = Path.of("..");
  private static final List<String> SERVICES =
      List.of("api-gateway", "build-service", "release-service", "registry-service");
  private static final Pattern OWNER_ROW =
      Pattern.compile("^\\| `([a-z_]+)` \\| ([a-z-]+) \\|", Pattern.MULTILINE);
  // a table named where SQL names one: after from, join, into, update, or delete from
  private static final String SQL_TABLE = "(?i)\\b(?:from|join|into|update)\\s+%s\\b";

  private static Map<String, String> owners;

  @BeforeAll
  static void readOwners() throws IOException {
    owners = new LinkedHashMap<>();
    Matcher m = OWNER_ROW.matcher(Files.readString(ROOT.resolve("docs/architecture.md")));
    while (m.find()) {
      assertThat(owners.put(m.group(1), m.group(2)))
          .as("table %s is listed once, with one owner", m.group(1))
          .isNull();
    }
  }

  @Test
  void everyTableOfTheSchemaHasOneOwner() throws IOException {
    List<String> tables = new ArrayList<>();
    Pattern create = Pattern.compile("(?i)create table (?:if not exists )?([a-z_]+)");
    try (Stream<Path> scripts =
        Files.list(ROOT.resolve("common/src/main/resources/db/migration"))) {
      for (Path script : scripts.toList()) {
        Matcher m = create.matcher(Files.readString(script));
        while (m.find()) {
          tables.add(m.group(1));
        }
      }
    }
    assertThat(tables).isNotEmpty();
    assertThat(owners.keySet()).containsExactlyInAnyOrderElementsOf(tables);
    assertThat(owners.values()).allMatch(o -> o.equals("common") || SERVICES.contains(o));
  }

  @Test
  void sqlNamesATableOnlyInItsOwnerOrInCommon() throws IOException {
    List<String> violations = new ArrayList<>();
    for (String module : SERVICES) {
      for (Path source : sources(module)) {
        String code = Files.readString(source);
        if (!code.contains("\"")) {
          continue;
        }
        for (Map.Entry<String, String> table : owners.entrySet()) {
          if (table.getValue().equals(module)) {
            continue;
          }
          if (Pattern.compile(String.format(SQL_TABLE, table.getKey())).matcher(code).find()) {
            violations.add(
                ROOT.relativize(source) + " names " + table.getKey() + " of " + table.getValue());
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void theCheckSeesSqlOfAnotherOwner() {
    // guards the pattern itself: these are what a violation looks like
    assertThat(Pattern.compile(String.format(SQL_TABLE, "builds")).matcher(stringOf("x")).find())
        .isFalse();
    for (String sql :
        List.of(
            "select status from builds where id = $1",
            "insert into builds (id) values ($1)",
            "update builds set status = 'failed'",
            "delete from builds where id = $1",
            "select 1 from apps a join builds b on b.app = a.name")) {
      assertThat(Pattern.compile(String.format(SQL_TABLE, "builds")).matcher(sql).find())
          .as(sql)
          .isTrue();
    }
  }

  private static String stringOf(String s) {
    return "String q = \"select " + s + " from build_logs\";";
  }

  private static List<Path> sources(String module) throws IOException {
    Path main = ROOT.resolve(module).resolve("src/main/java");
    try (Stream<Path> files = Files.walk(main)) {
      return files.filter(p -> p.toString().endsWith(".java")).toList();
    }
  }
}
