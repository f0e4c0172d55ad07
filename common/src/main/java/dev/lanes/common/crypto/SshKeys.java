package dev.lanes.common.crypto;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Reads the SSH half of an image repo's git credentials with Apache MINA sshd's own parsers: the
 * private key (OpenSSH or PEM) and the {@code known_hosts} lines a server's host key is checked
 * against. No message here quotes what it read: a rejected key is still a key.
 */
public final class SshKeys {

  private static final NamedResource KEY = NamedResource.ofName("git_credentials.private_key");

  private SshKeys() {}

  /** Why a key or a known_hosts text was refused, in words that quote nothing of it. */
  public static final class InvalidSshKey extends Exception {
    public InvalidSshKey(String message) {
      super(message, null, false, false);
    }
  }

  /** One host key line: the hosts it names and the key they are known by. */
  public record KnownHost(KnownHostEntry entry, PublicKey key, boolean revoked) {
    boolean matches(String host, int port) {
      return entry.isHostMatch(host, port);
    }
  }

  /**
   * @throws InvalidSshKey when it is not exactly one unencrypted private key sshd can read
   */
  public static KeyPair privateKey(String text) throws InvalidSshKey {
    AtomicBoolean askedForPassphrase = new AtomicBoolean();
    FilePasswordProvider noPassphrase =
        (session, resource, retry) -> {
          askedForPassphrase.set(true);
          return null;
        };
    Collection<KeyPair> keys;
    try {
      keys =
          SecurityUtils.getKeyPairResourceParser()
              .loadKeyPairs(null, KEY, noPassphrase, lines(text));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      keys = null;
    }
    if (askedForPassphrase.get()) {
      throw new InvalidSshKey(
          "is encrypted with a passphrase, which builds cannot type: give a key without one"
              + " (ssh-keygen -p -N '' -f KEY removes it from a copy), ideally a deploy key");
    }
    if (keys == null || keys.isEmpty()) {
      throw new InvalidSshKey(
          "is not a private key: give an OpenSSH (-----BEGIN OPENSSH PRIVATE KEY-----) or PEM"
              + " private key as ssh-keygen writes it, line breaks included");
    }
    if (keys.size() > 1) {
      throw new InvalidSshKey("holds " + keys.size() + " keys: give exactly one");
    }
    return keys.iterator().next();
  }

  /**
   * Every non-comment line as a host key entry, hashed host names included.
   *
   * @throws InvalidSshKey naming the first line (by number) that is not one
   */
  public static List<KnownHost> knownHosts(String text) throws InvalidSshKey {
    List<KnownHost> hosts = new ArrayList<>();
    List<String> lines = lines(text);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      hosts.add(knownHost(line, i + 1));
    }
    if (hosts.isEmpty()) {
      throw new InvalidSshKey(
          "has no host key line: give the server's lines as ssh-keyscan HOST prints them");
    }
    return hosts;
  }

  private static KnownHost knownHost(String line, int number) throws InvalidSshKey {
    try {
      KnownHostEntry entry = KnownHostEntry.parseKnownHostEntry(line);
      if (entry == null || entry.getKeyEntry() == null) {
        throw new IllegalArgumentException("no key");
      }
      PublicKey key = entry.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
      if (key == null) {
        throw new IllegalArgumentException("unknown key type");
      }
      return new KnownHost(entry, key, "revoked".equals(entry.getMarker()));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new InvalidSshKey(
          "line "
              + number
              + " is not a known_hosts line (HOST[,HOST...] KEY-TYPE BASE64-KEY, as ssh-keyscan"
              + " prints it) or has a key type sshd cannot read");
    }
  }

  /**
   * Whether any line names the host: {@code host} on port 22, {@code [host]:port} on any other,
   * patterns and hashed names as OpenSSH matches them.
   */
  public static boolean names(List<KnownHost> hosts, String host, int port) {
    // @cert-authority lines are not followed (no certificates are checked): they name no key
    return !keysOf(hosts, host, port).isEmpty();
  }

  /** Whether {@code key} is a host key of the host there, and not one marked {@code @revoked}. */
  public static boolean trusts(List<KnownHost> hosts, String host, int port, PublicKey key) {
    boolean revoked =
        hosts.stream().anyMatch(h -> h.revoked() && KeyUtils.compareKeys(h.key(), key));
    return !revoked
        && hosts.stream()
            .anyMatch(
                h ->
                    !h.revoked()
                        && h.entry().getMarker() == null
                        && h.matches(host, port)
                        && KeyUtils.compareKeys(h.key(), key));
  }

  /** The keys the host is known by, in the order given: what to ask the server for first. */
  public static List<PublicKey> keysOf(List<KnownHost> hosts, String host, int port) {
    return hosts.stream()
        .filter(h -> h.entry().getMarker() == null && h.matches(host, port))
        .map(KnownHost::key)
        .toList();
  }

  private static List<String> lines(String text) {
    return new BufferedReader(new StringReader(text)).lines().toList();
  }
}
