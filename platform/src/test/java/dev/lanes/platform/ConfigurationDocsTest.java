package dev.lanes.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.common.config.ConfigKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every environment variable the platform reads. */
class ConfigurationDocsTest {

  @Test
  void everyKeyIsDocumentedWithItsDefault() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    for (ConfigKey<?> key : PlatformConfig.keys()) {
      assertThat(docs).as(key.name()).contains("`" + key.name() + "`");
      if (key.defaultValue() != null
          && !key.defaultValue().isEmpty()
          && !key.name().equals("HTTP_INSTANCES")) {
        assertThat(docs).as(key.name() + " default").contains("`" + key.defaultValue() + "`");
      }
    }
  }
}
