package dev.lanes.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.db.Migrations;
import dev.lanes.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PgDeadLettersTest {

  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void migrate() {
    TestPostgres.Database pg = TestPostgres.newDatabase();
    DbConfig db = DbConfig.local(pg.host(), pg.port(), pg.name(), pg.user(), 2);
    Migrations.migrate(db);
    vertx = Vertx.vertx();
    pool = Database.pool(vertx, db, 2, "test");
  }

  @AfterAll
  static void close() {
    done(vertx.close());
  }

  private static <T> T done(Future<T> future) {
    return future.timeout(20, TimeUnit.SECONDS).await();
  }

  private static DeadLetter letter(String id, byte[] value) {
    Message message =
        new Message(
            id,
            "dev.lanes.build.requested",
            "/t",
            "s",
            "web",
            java.time.Instant.now(),
            new JsonObject());
    JsonObject record = DeadLetter.withValue(new JsonObject().put("topic", "t"), value);
    return DeadLetter.of(
        "build-service",
        Channels.BUILD_COMMANDS,
        message,
        "web",
        record,
        new MalformedMessage("build_id", "not a UUID: 'x'"),
        1);
  }

  @Test
  void deadLettersAreListedNewestFirstOnceEachAndCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PgDeadLetters table = new PgDeadLetters(pool);
    DeadLetters counted = DeadLetters.counted(registry, table);

    done(counted.record(letter("first", "{\"a\":1}".getBytes())));
    done(counted.record(letter("second", new byte[] {(byte) 0xff, 0x00})));
    done(counted.record(letter("second", new byte[] {(byte) 0xff, 0x00})));

    List<JsonObject> recent = done(table.recent(10));
    assertThat(recent)
        .extracting(j -> j.getString("message_id"))
        .containsExactly("second", "first");
    JsonObject newest = recent.get(0);
    assertThat(newest.getLong("id")).isPositive();
    assertThat(newest.getInteger("attempts")).isEqualTo(1);
    assertThat(newest.getJsonObject("error").getString("class"))
        .isEqualTo(MalformedMessage.class.getName());
    assertThat(newest.getJsonObject("record").getString("value_base64")).isEqualTo("/wA=");
    assertThat(recent.get(1).getJsonObject("record").getString("value")).isEqualTo("{\"a\":1}");
    assertThat(done(table.recent(1))).hasSize(1);
    assertThat(
            registry
                .get(DeadLetters.METER)
                .tag("channel", Channels.BUILD_COMMANDS)
                .counter()
                .count())
        .isEqualTo(3.0);
  }
}
