package dev.lanes.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.common.db.DbConfig;
import io.vertx.pgclient.SslMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {

  private static final ConfigKey<Integer> PORT = ConfigKey.integer("PORT", 8080, 0, 65535, "p");
  private static final ConfigKey<Duration> TIMEOUT =
      ConfigKey.of("TIMEOUT", "5m", ConfigParsers::duration, "t");
  private static final ConfigKey<List<String>> MIRRORS =
      ConfigKey.of("MIRRORS", "", ConfigParsers::list, "m");

  @Test
  void usesDefaultsForUnsetAndBlankVariables() {
    ConfigReader reader = new ConfigReader(Map.of("PORT", "  "));
    assertThat(reader.get(PORT)).isEqualTo(8080);
    assertThat(reader.get(TIMEOUT)).isEqualTo(Duration.ofMinutes(5));
    assertThat(reader.get(MIRRORS)).isEmpty();
    reader.done();
  }

  @Test
  void parsesTheFormsOperatorsWrite() {
    ConfigReader reader =
        new ConfigReader(
            Map.of("PORT", "9000", "TIMEOUT", "PT90S", "MIRRORS", " a.example , ,b.example "));
    assertThat(reader.get(PORT)).isEqualTo(9000);
    assertThat(reader.get(TIMEOUT)).isEqualTo(Duration.ofSeconds(90));
    assertThat(reader.get(MIRRORS)).containsExactly("a.example", "b.example");
    assertThat(ConfigParsers.duration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ConfigParsers.duration("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(ConfigParsers.bool("yes")).isTrue();
  }

  @Test
  void reportsEveryProblemAtOnce() {
    ConfigReader reader = new ConfigReader(Map.of("PORT", "70000", "TIMEOUT", "soon"));
    reader.get(PORT);
    reader.get(TIMEOUT);
    reader.require(ConfigKey.string("NEEDED", null, "something required"));
    assertThatThrownBy(reader::done)
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(3)
                    .anySatisfy(p -> assertThat(p).startsWith("PORT:").contains("0..65535"))
                    .anySatisfy(p -> assertThat(p).startsWith("TIMEOUT:"))
                    .anySatisfy(p -> assertThat(p).startsWith("NEEDED: must be set")));
  }

  @Test
  void readsDatabaseUrlsWithoutEverPrintingThePassword() {
    ConfigReader reader =
        new ConfigReader(
            Map.of(
                "DATABASE_URL", "postgres://lanes:s3cret@db.internal:6543/lanes?sslmode=require"));
    DbConfig db = DbConfig.from(reader);
    reader.done();
    assertThat(db.host()).isEqualTo("db.internal");
    assertThat(db.port()).isEqualTo(6543);
    assertThat(db.database()).isEqualTo("lanes");
    assertThat(db.user()).isEqualTo("lanes");
    assertThat(db.password().reveal()).isEqualTo("s3cret");
    assertThat(db.sslMode()).isEqualTo(SslMode.REQUIRE);
    assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/lanes?sslmode=require");
    assertThat(db.toString()).doesNotContain("s3cret");
    assertThat(db.password().toString()).isEqualTo("***");
  }

  @Test
  void aDatabaseUrlThatCannotBeParsedIsAProblemThatHidesIt() {
    ConfigReader reader = new ConfigReader(Map.of("DATABASE_URL", "mysql://u:hunter2@x/db"));
    DbConfig.from(reader);
    assertThatThrownBy(reader::done)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DATABASE_URL")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }

  @Test
  void anUnsetDatabaseUrlMeansEmbedded() {
    assertThat(DbConfig.from(new ConfigReader(Map.of()))).isNull();
  }
}
