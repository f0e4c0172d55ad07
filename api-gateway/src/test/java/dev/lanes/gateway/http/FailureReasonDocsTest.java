package dev.lanes.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.domain.ReleaseReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/errors.md documents every reason a build or release can fail with, and no other. */
class FailureReasonDocsTest {

  private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-z0-9_]+)` \\|");

  private static String section(String docs, String heading) {
    int start = docs.indexOf("\n### " + heading + "\n");
    assertThat(start).as(heading).isNotNegative();
    int end = docs.indexOf("\n#", start + 1);
    return end < 0 ? docs.substring(start) : docs.substring(start, end);
  }

  private static List<String> documented(String section) {
    Matcher m = ROW.matcher(section);
    List<String> codes = new java.util.ArrayList<>();
    while (m.find()) {
      codes.add(m.group(1));
    }
    return codes;
  }

  @Test
  void everyBuildAndReleaseReasonIsDocumentedAndNothingElse() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "errors.md"));

    assertThat(documented(section(docs, "Builds")))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(BuildReason.values()).map(BuildReason::code).toList());
    assertThat(documented(section(docs, "Releases")))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(ReleaseReason.values()).map(ReleaseReason::code).toList());
  }
}
