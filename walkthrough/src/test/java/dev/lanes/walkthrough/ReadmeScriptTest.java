package dev.lanes.walkthrough;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadmeScriptTest {

  @Test
  void takesShellBlocksInOrderAndLeavesOutTheSkippedOnes() {
    ReadmeScript s =
        ReadmeScript.parse(
            "# T\n"
                + "<!-- walkthrough: skip -->\n"
                + "```sh\nmake run\n```\n"
                + "text\n"
                + "```\nbanner, not shell\n```\n"
                + "```sh\necho one\n# -> one\n```\n"
                + "```sh\necho two\n```\n");

    assertThat(s.blocks())
        .extracting(ReadmeScript.Block::script)
        .containsExactly("echo one\n# -> one\n", "echo two\n");
    assertThat(s.blocks().get(0).line()).isEqualTo(10);
  }

  @Test
  void aPromiseGoesOnOnIndentedCommentLines() {
    assertThat(
            ReadmeScript.promises(
                "curl x\n# -> {\"a\":1,\n#    \"b\":2}\n# not part of it\n# -> second\n"))
        .containsExactly("{\"a\":1, \"b\":2}", "second");
  }

  @Test
  void placeholdersAndSpacingMatchWhatTheyStandFor() {
    var p = ReadmeScript.pattern("\"commit\": \"<40 hex>\", \"tag\": \"<tag>\" ... done");

    assertThat(
            p.matcher("{\"commit\":\"" + "a".repeat(40) + "\",\"tag\":\"abc1234\", x y done")
                .find())
        .isTrue();
    assertThat(p.matcher("{\"commit\":\"" + "a".repeat(39) + "\",\"tag\":\"abc1234\" done").find())
        .isFalse();
    assertThat(
            ReadmeScript.pattern("web  dev  <tag>  deployed  2/2")
                .matcher("web dev 1234567 deployed 2/2")
                .find())
        .isTrue();
    assertThat(ReadmeScript.pattern("a (b) [c]").matcher("a (b) [c]").find()).isTrue();
  }
}
