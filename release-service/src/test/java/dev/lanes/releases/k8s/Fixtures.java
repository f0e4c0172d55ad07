package dev.lanes.releases.k8s;

import dev.lanes.common.domain.App;
import dev.lanes.common.domain.Release;
import dev.lanes.common.domain.ReleaseStatus;
import dev.lanes.common.domain.Resources;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Apps and releases for the spec tests, by builder: only what a test cares about is named. */
final class Fixtures {

  private Fixtures() {}

  static AppBuilder anApp() {
    return new AppBuilder();
  }

  static ReleaseBuilder aRelease() {
    return new ReleaseBuilder();
  }

  static final class AppBuilder {
    private String name = "web";
    private int port = 8080;
    private List<String> command = List.of();
    private List<String> args = List.of();
    private final Map<String, String> envs = new LinkedHashMap<>();
    private Resources resources;
    private String healthPath;
    private String serviceAccount;

    AppBuilder worker() {
      port = 0;
      return this;
    }

    AppBuilder port(int port) {
      this.port = port;
      return this;
    }

    AppBuilder env(String key, String value) {
      envs.put(key, value);
      return this;
    }

    AppBuilder command(String... command) {
      this.command = List.of(command);
      return this;
    }

    AppBuilder args(String... args) {
      this.args = List.of(args);
      return this;
    }

    AppBuilder resources(Resources resources) {
      this.resources = resources;
      return this;
    }

    AppBuilder healthPath(String path) {
      this.healthPath = path;
      return this;
    }

    AppBuilder serviceAccount(String name) {
      this.serviceAccount = name;
      return this;
    }

    App build() {
      return new App(
          name,
          "",
          "web",
          port,
          command,
          args,
          Map.copyOf(envs),
          Map.of(),
          1,
          resources,
          healthPath,
          serviceAccount,
          Instant.EPOCH,
          Instant.EPOCH);
    }
  }

  static final class ReleaseBuilder {
    private final UUID id = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private String lane = "dev";
    private String tag = "abc1234";
    private int replicas = 2;
    private int revision = 3;
    private final Map<String, String> envs = new LinkedHashMap<>();

    ReleaseBuilder lane(String lane) {
      this.lane = lane;
      return this;
    }

    ReleaseBuilder tag(String tag) {
      this.tag = tag;
      return this;
    }

    ReleaseBuilder replicas(int replicas) {
      this.replicas = replicas;
      return this;
    }

    ReleaseBuilder revision(int revision) {
      this.revision = revision;
      return this;
    }

    ReleaseBuilder env(String key, String value) {
      envs.put(key, value);
      return this;
    }

    UUID id() {
      return id;
    }

    Release build() {
      return new Release(
          id,
          "web",
          lane,
          tag,
          "registry.local/web:" + tag,
          replicas,
          Map.copyOf(envs),
          revision,
          ReleaseStatus.PENDING,
          null,
          null,
          "web-" + lane,
          "web-" + lane,
          Instant.EPOCH,
          Instant.EPOCH);
    }
  }
}
