package dev.lanes.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.common.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/errors.md documents every code a client can receive, with its status. */
class ErrorCatalogueDocsTest {

  @Test
  void everyErrorCodeIsDocumentedWithItsStatus() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "errors.md"));
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(docs)
          .as(code.code())
          .contains("| `" + code.code() + "` | " + code.status() + " |");
    }
  }
}
