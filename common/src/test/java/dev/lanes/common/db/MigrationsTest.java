package dev.lanes.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MigrationsTest {

  private static TestPostgres.Database db;
  private static DbConfig config;

  @BeforeAll
  static void migrate() {
    db = TestPostgres.newDatabase();
    config = DbConfig.local(db.host(), db.port(), db.name(), db.user(), 2);
    Migrations.migrate(config);
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  @Test
  void createsEveryTableTheContractNeeds() throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Connection c = connect();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "select table_name from information_schema.tables where table_schema ="
                        + " 'public'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    assertThat(tables)
        .contains(
            "image_repos",
            "apps",
            "lanes",
            "builds",
            "build_logs",
            "releases",
            "release_revisions",
            "api_keys",
            "outbox",
            "processed_messages");
  }

  @Test
  void seedsTheProtectedLanes() throws SQLException {
    try (Connection c = connect();
        ResultSet rs =
            c.createStatement()
                .executeQuery("select name from lanes where protected order by name")) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      assertThat(names).containsExactly("blue", "prod");
    }
  }

  @Test
  void isANoOpTheSecondTime() {
    assertThat(Migrations.migrate(config).migrationsExecuted).isZero();
  }

  @Test
  void theDatabaseItselfRefusesNamesKubernetesWouldRefuse() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      assertThatThrownBy(
              () ->
                  s.execute(
                      "insert into image_repos (name, registry, git_repo) values ('Bad_Name', 'r',"
                          + " 'g')"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("dns_label");
    }
  }
}
