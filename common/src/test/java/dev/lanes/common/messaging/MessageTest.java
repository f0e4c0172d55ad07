package dev.lanes.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class MessageTest {

  @Test
  void roundTripsThroughCloudEventsJson() {
    Message m =
        Message.of(
            "dev.lanes.build.status",
            "/lanes/build-service",
            "b-1",
            "web",
            new JsonObject().put("status", "running"));
    JsonObject json = m.toCloudEvent();
    assertThat(json.getString("specversion")).isEqualTo("1.0");
    assertThat(json.getString("datacontenttype")).isEqualTo("application/json");
    assertThat(json.getString("partitionkey")).isEqualTo("web");
    assertThat(Message.fromCloudEvent(json)).isEqualTo(m);
  }

  @Test
  void refusesJsonThatIsNotACloudEvent() {
    JsonObject json = Message.of("t", "/s", null, null, null).toCloudEvent();
    assertThatThrownBy(() -> Message.fromCloudEvent(json.copy().put("specversion", "0.3")))
        .isInstanceOf(IllegalArgumentException.class);
    JsonObject noId = json.copy();
    noId.remove("id");
    assertThatThrownBy(() -> Message.fromCloudEvent(noId))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Message.fromCloudEvent(json.copy().put("time", "yesterday")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
