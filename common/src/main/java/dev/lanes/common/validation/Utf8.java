package dev.lanes.common.validation;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8, as the JDK's decoder reads it when told to report: no overlong forms ({@code C0 AF}
 * for {@code /}), no encoded surrogates ({@code ED A0 80}), no truncated sequences, no stray
 * continuation bytes. Jackson's parser lets some of these through, so bodies are checked first.
 */
public final class Utf8 {

  private Utf8() {}

  public static boolean isValid(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
