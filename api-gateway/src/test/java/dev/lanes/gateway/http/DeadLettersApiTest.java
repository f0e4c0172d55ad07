package dev.lanes.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class DeadLettersApiTest {

  @Test
  void adminsListTheNewestDeadLettersFirst() {
    try (TestGateway gateway = TestGateway.start()) {
      for (String id : new String[] {"first", "second"}) {
        gateway.sql(
            "insert into dead_letters (consumer, channel, message_id, message_type,"
                + " partition_key, record, error_class, error, attempts) values ('build-service',"
                + " 'lanes.commands.builds', '"
                + id
                + "', 'dev.lanes.build.requested', 'web', '{\"value\": \"x\"}',"
                + " 'dev.lanes.common.messaging.MalformedMessage',"
                + " 'data.build_id: not a UUID: ''x''', 1)");
      }

      Response all = gateway.get("/api/v1/dead-letters");
      assertThat(all.status()).isEqualTo(200);
      assertThat(all.list()).hasSize(2);
      JsonObject newest = all.list().getJsonObject(0);
      assertThat(newest.getString("message_id")).isEqualTo("second");
      assertThat(newest.getInteger("attempts")).isEqualTo(1);
      assertThat(newest.getJsonObject("error").getString("message"))
          .isEqualTo("data.build_id: not a UUID: 'x'");
      assertThat(newest.getJsonObject("record").getString("value")).isEqualTo("x");

      assertThat(gateway.get("/api/v1/dead-letters?limit=1").list()).hasSize(1);
      assertThat(gateway.get("/api/v1/dead-letters?limit=0").status()).isEqualTo(400);
    }
  }
}
