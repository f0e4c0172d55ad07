package dev.lanes.common.validation;

import dev.lanes.common.net.SshGitUrl;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The field rules of the contract. Each {@code check*} method records what is wrong with a value in
 * a {@link Validation} and returns whether it was valid.
 */
public final class Rules {

  public static final int MAX_NAME_LENGTH = 63;
  public static final int MAX_DESCRIPTION_LENGTH = 1024;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([a-z0-9-]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
  private static final Pattern GITHUB_SHORTHAND =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  // The Docker reference grammar (distribution/reference) for a repository name without tag.
  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN =
      DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]{1,5})?";
  private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final Pattern IMAGE_REPOSITORY =
      Pattern.compile("(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
  private static final Pattern QUANTITY =
      Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\\d+)?");
  private static final Set<String> RESERVED_ENV_NAMES = Set.of("LANE", "APP_NAME", "VERSION");

  private Rules() {}

  public static boolean isDnsLabel(String value) {
    return value != null && value.length() <= MAX_NAME_LENGTH && DNS_LABEL.matcher(value).matches();
  }

  /** A name of an app, image repo or lane: a DNS-1123 label of 1..63 characters. */
  public static boolean checkName(Validation v, String field, String value) {
    if (value.isEmpty()) {
      return v.check(false, field, "must not be empty");
    }
    if (value.length() > MAX_NAME_LENGTH) {
      return v.check(false, field, "must be at most 63 characters, got " + value.length());
    }
    return v.check(
        DNS_LABEL.matcher(value).matches(),
        field,
        "must be a DNS label: lowercase letters, digits and '-', starting with a letter and"
            + " ending with a letter or digit");
  }

  public static boolean checkDescription(Validation v, String field, String value) {
    return v.check(
        value.length() <= MAX_DESCRIPTION_LENGTH,
        field,
        "must be at most " + MAX_DESCRIPTION_LENGTH + " characters");
  }

  /**
   * {@code owner/repo} (GitHub), an {@code https://} or {@code git://} URL without secrets, or an
   * SSH one ({@link SshGitUrl}: {@code ssh://git@host[:port]/path} or {@code git@host:path}).
   */
  public static boolean checkGitRepo(Validation v, String field, String value, boolean allowLocal) {
    if (GITHUB_SHORTHAND.matcher(value).matches()) {
      return true;
    }
    if (SshGitUrl.looksLikeSsh(value)) {
      return v.check(
          SshGitUrl.parse(value).isPresent(),
          field,
          "an SSH repository must be ssh://user@host[:port]/path or user@host:path, the user and"
              + " host plain names, without a password, query or fragment");
    }
    String expected =
        allowLocal
            ? "must be owner/repo, or an https://, ssh://, git://, http:// or file:// URL, or"
                + " user@host:path"
            : "must be owner/repo, or an https://, ssh:// or git:// URL, or user@host:path";
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      return v.check(false, field, expected);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file") && allowLocal) {
      return v.check(
          uri.getPath() != null && uri.getPath().startsWith("/") && uri.getHost() == null,
          field,
          "a file:// URL must name an absolute path, e.g. file:///srv/git/web.git");
    }
    // plain http sends git credentials in clear: only for a loopback server in development
    boolean plainHttp = scheme.equals("http") && allowLocal;
    if (!scheme.equals("https") && !scheme.equals("git") && !plainHttp) {
      return v.check(false, field, expected);
    }
    if (uri.getRawUserInfo() != null) {
      return v.check(
          false, field, "must not contain credentials: the registry secret grants access");
    }
    if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
      return v.check(false, field, expected + " with a host and a repository path");
    }
    return v.check(
        uri.getRawQuery() == null && uri.getRawFragment() == null,
        field,
        "must not have a query or fragment: give the ref as git_ref of a build");
  }

  /** A relative path inside the repository: not absolute, no {@code ..}, no control characters. */
  public static boolean checkRelativePath(Validation v, String field, String value) {
    if (value.isEmpty()) {
      return v.check(false, field, "must not be empty");
    }
    if (value.length() > 255) {
      return v.check(false, field, "must be at most 255 characters");
    }
    if (value.startsWith("/") || value.startsWith("\\") || value.matches("^[A-Za-z]:.*")) {
      return v.check(false, field, "must be a relative path, got an absolute one");
    }
    for (String segment : value.split("[/\\\\]")) {
      if (segment.equals("..")) {
        return v.check(false, field, "must not contain '..'");
      }
    }
    return v.check(
        value.chars().noneMatch(c -> c < 0x20 || c == 0x7f),
        field,
        "must not contain control characters");
  }

  /** An image repository without tag or digest, e.g. {@code harbor.local:30002/team/web}. */
  public static boolean checkImageRepository(Validation v, String field, String value) {
    if (value.contains("@") || value.matches(".*:[^/]*$")) {
      return v.check(
          false,
          field,
          "must be an image repository without tag or digest: the build sets the tag");
    }
    return v.check(
        value.length() <= 255 && IMAGE_REPOSITORY.matcher(value).matches(),
        field,
        "must be an image repository such as registry.example.com:5000/team/web");
  }

  public static boolean checkPort(Validation v, String field, int value) {
    return v.check(
        value >= 0 && value <= 65535, field, "must be 0..65535 (0 makes a worker), got " + value);
  }

  public static boolean checkReplicas(Validation v, String field, int value) {
    return v.check(value >= 0 && value <= 100, field, "must be 0..100, got " + value);
  }

  /** An environment variable name the platform does not set itself. */
  public static boolean checkEnvName(Validation v, String field, String name) {
    if (!ENV_NAME.matcher(name).matches() || name.length() > 255) {
      return v.check(
          false,
          field,
          "must be a variable name: letters, digits and '_', not starting with a digit");
    }
    return v.check(
        !RESERVED_ENV_NAMES.contains(name),
        field,
        "is set by the platform (LANE, APP_NAME and VERSION are reserved)");
  }

  /** A Kubernetes resource quantity such as {@code 250m}, {@code 0.5}, {@code 256Mi}. */
  public static boolean checkQuantity(Validation v, String field, String value) {
    return v.check(
        value.length() <= 64 && QUANTITY.matcher(value).matches(),
        field,
        "must be a Kubernetes quantity such as 250m, 1, 256Mi or 1Gi");
  }

  /** The value of a valid quantity, for comparing limits with requests. */
  public static BigDecimal quantityValue(String value) {
    var m = QUANTITY.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a quantity: " + value);
    }
    BigDecimal number = new BigDecimal(m.group(1));
    String suffix = m.group(2) == null ? "" : m.group(2);
    if (suffix.startsWith("e") || suffix.startsWith("E")) {
      return number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
    }
    return switch (suffix) {
      case "" -> number;
      case "m" -> number.scaleByPowerOfTen(-3);
      case "k" -> number.scaleByPowerOfTen(3);
      case "M" -> number.scaleByPowerOfTen(6);
      case "G" -> number.scaleByPowerOfTen(9);
      case "T" -> number.scaleByPowerOfTen(12);
      case "P" -> number.scaleByPowerOfTen(15);
      case "E" -> number.scaleByPowerOfTen(18);
      default -> number.multiply(BigDecimal.valueOf(2).pow(10 * binaryExponent(suffix)));
    };
  }

  private static int binaryExponent(String suffix) {
    return "KMGTPE".indexOf(suffix.charAt(0)) + 1;
  }

  /** An HTTP path for the readiness probe. */
  public static boolean checkHealthPath(Validation v, String field, String value) {
    return v.check(
        value.startsWith("/")
            && value.length() <= 1024
            && value.chars().noneMatch(c -> c <= 0x20 || c == 0x7f),
        field,
        "must be an HTTP path starting with '/', without spaces");
  }

  /** A Kubernetes ServiceAccount name: a DNS-1123 subdomain. */
  public static boolean checkServiceAccount(Validation v, String field, String value) {
    return v.check(
        value.length() <= 253 && DNS_SUBDOMAIN.matcher(value).matches(),
        field,
        "must be a Kubernetes name: lowercase letters, digits, '-' and '.'");
  }
}
