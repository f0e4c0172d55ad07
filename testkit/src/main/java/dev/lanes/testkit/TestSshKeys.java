package dev.lanes.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.util.security.SecurityUtils;

/** SSH keys made for a test, written as ssh-keygen and ssh-keyscan write them. */
public final class TestSshKeys {

  private TestSshKeys() {}

  /** A fresh ECDSA P-256 key pair: quick to make, read by every OpenSSH. */
  public static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh RSA key pair of 2048 bits, the kind {@code ssh-keygen -t rsa -m PEM} makes. */
  public static KeyPair generateRsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh Ed25519 key pair: what {@code ssh-keygen} makes by default. */
  public static KeyPair generateEd25519() {
    try {
      // through sshd's provider choice (BouncyCastle when it is on the class path), so that its
      // writer and reader get the key classes they expect
      return SecurityUtils.getKeyPairGenerator(SecurityUtils.ED25519).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code -----BEGIN OPENSSH PRIVATE KEY-----}, unencrypted. */
  public static String openSsh(KeyPair key) {
    return write(key, null);
  }

  /** {@code -----BEGIN OPENSSH PRIVATE KEY-----}, encrypted with {@code passphrase}. */
  public static String encryptedOpenSsh(KeyPair key, String passphrase) {
    OpenSSHKeyEncryptionContext encryption = new OpenSSHKeyEncryptionContext();
    encryption.setCipherName("AES");
    encryption.setCipherType("256");
    encryption.setPassword(passphrase);
    encryption.setKdfRounds(2);
    return write(key, encryption);
  }

  /** {@code -----BEGIN PRIVATE KEY-----}: PKCS#8 in PEM, as {@code openssl pkcs8} writes it. */
  public static String pem(KeyPair key) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
  }

  /** {@code ecdsa-sha2-nistp256 AAAA...}: the public key as authorized_keys lists it. */
  public static String publicLine(KeyPair key) {
    return PublicKeyEntry.toString(key.getPublic());
  }

  /** A known_hosts line: {@code hostName KEY}, hostName as {@code host} or {@code [host]:port}. */
  public static String knownHostsLine(String hostName, KeyPair hostKey) {
    return hostName + " " + publicLine(hostKey);
  }

  private static String write(KeyPair key, OpenSSHKeyEncryptionContext encryption) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "lanes-test", encryption, out);
      return out.toString(StandardCharsets.US_ASCII);
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
