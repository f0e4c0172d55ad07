package dev.lanes.builds.k8s;

import dev.lanes.builds.app.BuildServiceConfig;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.domain.Build;
import dev.lanes.common.domain.BuildStatus;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** What the Job spec tests build from: a configuration and a queued build of app web. */
final class JobSpecFixtures {

  static final UUID ID = UUID.fromString("0b7c5f3e-1d2a-4c55-9a8e-2f4d6c8b0a11");
  static final String SHA = "e6d74be05e1cb4f5083ad5d46f03705cb29b157b";
  static final String IMAGE = "harbor.local:30002/team/web:e6d74be";

  private JobSpecFixtures() {}

  static BuildServiceConfig config(Map<String, String> env) {
    ConfigReader reader = new ConfigReader(env);
    BuildServiceConfig config = BuildServiceConfig.from(reader);
    reader.done();
    return config;
  }

  static Build build() {
    return new Build(
        ID,
        "web",
        "web",
        "main",
        SHA,
        "e6d74be",
        IMAGE,
        null,
        BuildStatus.QUEUED,
        null,
        null,
        "build-x",
        Instant.now(),
        null,
        null,
        null);
  }
}
