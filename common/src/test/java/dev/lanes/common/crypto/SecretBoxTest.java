package dev.lanes.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

  private final SecretBox box = SecretBox.fromBase64(SecretBox.newKey());

  @Test
  void opensWhatItSealed() {
    byte[] sealed = box.seal("hunter2".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(box.open(sealed), StandardCharsets.UTF_8)).isEqualTo("hunter2");
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
  }

  @Test
  void sealsTheSameValueDifferentlyEachTime() {
    byte[] value = "same".getBytes(StandardCharsets.UTF_8);
    assertThat(box.seal(value)).isNotEqualTo(box.seal(value));
  }

  @Test
  void refusesAnotherKeyAndAlteredValues() {
    byte[] sealed = box.seal("x".getBytes(StandardCharsets.UTF_8));
    SecretBox other = SecretBox.fromBase64(SecretBox.newKey());
    assertThatThrownBy(() -> other.open(sealed)).isInstanceOf(IllegalArgumentException.class);
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> box.open(sealed)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesKeysOfTheWrongSize() {
    assertThatThrownBy(() -> SecretBox.fromBase64("c2hvcnQ=")).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> SecretBox.fromBase64("not base64!")).hasMessageContaining("base64");
  }
}
