package dev.lanes.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.common.config.Secret;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.db.Migrations;
import dev.lanes.testkit.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminKeyBootstrapTest {

  private Vertx vertx;
  private Pool pool;
  private AdminKeyBootstrap bootstrap;

  @BeforeEach
  void setUp() {
    TestPostgres.Database database = TestPostgres.newDatabase();
    DbConfig db =
        DbConfig.local(database.host(), database.port(), database.name(), database.user(), 2);
    Migrations.migrate(db);
    vertx = Vertx.vertx();
    pool = Database.pool(vertx, db, 2, "test");
    bootstrap = new AdminKeyBootstrap(pool);
  }

  @AfterEach
  void tearDown() {
    vertx.close().timeout(30, TimeUnit.SECONDS).await();
  }

  private AdminKeyBootstrap.Outcome run(Secret token, boolean rotate) {
    return bootstrap.run(token, rotate).timeout(30, TimeUnit.SECONDS).await();
  }

  private long activeAdmins() {
    return pool.query("select count(*) from api_keys where revoked_at is null and bootstrap")
        .execute()
        .timeout(30, TimeUnit.SECONDS)
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  private byte[] storedHash(String id) {
    return pool.preparedQuery("select hash from api_keys where id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(id))
        .timeout(30, TimeUnit.SECONDS)
        .await()
        .iterator()
        .next()
        .getBuffer(0)
        .getBytes();
  }

  @Test
  void generatesAKeyOnTheFirstStartOnlyAndStoresItsHash() {
    AdminKeyBootstrap.Outcome first = run(null, false);
    assertThat(first.newKey()).startsWith("lanes_");
    String id = ApiKeyFormat.idOf(first.newKey());
    assertThat(ApiKeyFormat.matches(first.newKey(), storedHash(id))).isTrue();

    AdminKeyBootstrap.Outcome second = run(null, false);
    assertThat(second.newKey()).isNull();
    assertThat(second.existingPrefix()).isEqualTo(ApiKeyFormat.prefixOf(id));
    assertThat(activeAdmins()).isEqualTo(1);
  }

  @Test
  void rotatingIssuesANewKeyAndRevokesTheOld() {
    String old = run(null, false).newKey();
    String fresh = run(null, true).newKey();
    assertThat(fresh).isNotNull().isNotEqualTo(old);
    assertThat(activeAdmins()).isEqualTo(1);
    assertThat(ApiKeyFormat.matches(fresh, storedHash(ApiKeyFormat.idOf(fresh)))).isTrue();
  }

  /** What the audit log holds, oldest first: action and key id. */
  private java.util.List<String> audit() {
    java.util.List<String> out = new java.util.ArrayList<>();
    pool.query("select action, resource_id, actor_name from audit_log order by id")
        .execute()
        .timeout(30, TimeUnit.SECONDS)
        .await()
        .forEach(
            r ->
                out.add(
                    r.getString("action")
                        + " "
                        + r.getString("resource_id")
                        + " by "
                        + r.getString("actor_name")));
    return out;
  }

  @Test
  void everyKeyMadeOrRevokedAtStartUpIsAudited() {
    String old = ApiKeyFormat.idOf(run(null, false).newKey());
    run(null, false); // nothing changes: nothing recorded
    String fresh = ApiKeyFormat.idOf(run(null, true).newKey());
    run(Secret.of("from-the-environment"), false);
    run(Secret.of("from-the-environment"), false); // the same token again: no change

    assertThat(audit())
        .containsExactly(
            "api_key.create " + old + " by system:admin-key-bootstrap",
            "api_key.revoke " + old + " by system:admin-key-bootstrap",
            "api_key.create " + fresh + " by system:admin-key-bootstrap",
            "api_key.create admin by system:admin-key-bootstrap",
            "api_key.revoke " + fresh + " by system:admin-key-bootstrap");
  }

  @Test
  void apiTokenBecomesTheAdminKeyAndReplacesAGeneratedOne() {
    run(null, false);
    AdminKeyBootstrap.Outcome outcome = run(Secret.of("from-the-environment"), false);
    assertThat(outcome.fromApiToken()).isTrue();
    assertThat(outcome.newKey()).isNull();
    assertThat(activeAdmins()).isEqualTo(1);
    assertThat(ApiKeyFormat.matches("from-the-environment", storedHash("admin"))).isTrue();

    run(Secret.of("changed"), false);
    assertThat(ApiKeyFormat.matches("changed", storedHash("admin"))).isTrue();
  }

  @Test
  void unsettingApiTokenGeneratesAKeyRatherThanLeavingTheOldTokenValid() {
    run(Secret.of("old-token"), false);
    AdminKeyBootstrap.Outcome outcome = run(null, false);
    assertThat(outcome.newKey()).isNotNull();
    assertThat(activeAdmins()).isEqualTo(1);
  }
}
