package dev.lanes.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of API keys: {@code lanes_<id>_<secret>}. The {@code lanes_} prefix lets secret
 * scanners spot a leaked key; the id (8 characters) finds the stored hash without comparing
 * secrets; the secret is 32 base62 characters (190 bits). The admin key from {@code API_TOKEN} may
 * have any shape and is stored under the id {@value #ADMIN_TOKEN_ID}.
 */
public final class ApiKeyFormat {

  public static final String ADMIN_TOKEN_ID = "admin";
  private static final String PREFIX = "lanes_";
  private static final Pattern KEY = Pattern.compile("lanes_([a-z0-9]{8})_([A-Za-z0-9]{32})");
  private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String SECRET_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A freshly generated key: {@code key} is shown once and never stored. */
  public record NewKey(String id, String key) {}

  private ApiKeyFormat() {}

  public static NewKey generate() {
    String id = random(ID_ALPHABET, 8);
    return new NewKey(id, PREFIX + id + "_" + random(SECRET_ALPHABET, 32));
  }

  /** The id under which {@code presented} is stored: its own, or the API_TOKEN's. */
  public static String idOf(String presented) {
    Matcher m = KEY.matcher(presented);
    return m.matches() ? m.group(1) : ADMIN_TOKEN_ID;
  }

  /** What a listing shows of a key: enough to recognise it, nothing to use. */
  public static String prefixOf(String id) {
    return ADMIN_TOKEN_ID.equals(id) ? "(API_TOKEN)" : PREFIX + id + "_";
  }

  public static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Compares a presented key with a stored hash in time independent of where they differ. */
  public static boolean matches(String presented, byte[] storedHash) {
    return MessageDigest.isEqual(hash(presented), storedHash);
  }

  private static String random(String alphabet, int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
