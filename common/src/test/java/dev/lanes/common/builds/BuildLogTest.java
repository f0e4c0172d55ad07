package dev.lanes.common.builds;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BuildLogTest {

  @Test
  void keepsASmallLogWhole() {
    assertThat(BuildLog.keepTail("a\nb\n")).isEqualTo(new BuildLog("a\nb\n", false));
  }

  @Test
  void keepsTheLastMebibyteFromALineStart() {
    StringBuilder big = new StringBuilder();
    int i = 0;
    while (big.length() < 3 * BuildLog.MAX_BYTES) {
      big.append("line ").append(i++).append(" é\n");
    }
    BuildLog kept = BuildLog.keepTail(big.toString());
    assertThat(kept.truncated()).isTrue();
    assertThat(kept.text().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(BuildLog.MAX_BYTES);
    assertThat(kept.text()).startsWith("line ").endsWith("line " + (i - 1) + " é\n");
  }
}
