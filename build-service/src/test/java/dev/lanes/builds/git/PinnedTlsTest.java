package dev.lanes.builds.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.net.GitNetworks;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over https the connection goes to the checked address but TLS still speaks to the repository's
 * host name: SNI names it and the certificate is verified, so pinning the address is not a way
 * around TLS. The server is on loopback, with a certificate nobody trusts.
 */
class PinnedTlsTest {

  @TempDir Path dir;

  /** A PKCS12 key store with a self-signed certificate for {@code host}, made by keytool. */
  private SSLContext untrustedServer(String host) throws Exception {
    Path store = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "git",
                "-keyalg",
                "EC",
                "-dname",
                "CN=" + host,
                "-ext",
                "san=dns:" + host,
                "-validity",
                "1",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    return tls;
  }

  @Test
  void httpsKeepsTheHostNameForSniAndRefusesAnUntrustedCertificate() throws Exception {
    List<String> serverNames = new CopyOnWriteArrayList<>();
    SSLServerSocket server =
        (SSLServerSocket)
            untrustedServer("rebind.test")
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    SSLParameters params = server.getSSLParameters();
    params.setSNIMatchers(
        List.of(
            new SNIMatcher(0) {
              @Override
              public boolean matches(SNIServerName name) {
                serverNames.add(((SNIHostName) name).getAsciiName());
                return true;
              }
            }));
    server.setSSLParameters(params);
    Thread accept =
        new Thread(
            () -> {
              try (Socket s = server.accept()) {
                s.getInputStream().read(); // the handshake; the client gives up on the certificate
              } catch (Exception ignored) {
                // the client closed the connection
              }
            });
    accept.setDaemon(true);
    accept.start();
    GitNetworks.Resolver dns =
        host -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
    RefResolver resolver =
        new RefResolver(Duration.ofSeconds(5), GitNetworks.of(List.of(), true), dns);
    try {
      RefResolutionException e =
          catchThrowableOfType(
              RefResolutionException.class,
              () ->
                  resolver.resolve(
                      GitRemote.of(
                          "https://rebind.test:" + server.getLocalPort() + "/team/app.git"),
                      "main"));

      assertThat(e.reason()).isEqualTo(BuildReason.REPO_UNREACHABLE);
      assertThat(e).hasMessageContaining("could not be established because of SSL problems");
      assertThat(serverNames).containsExactly("rebind.test");
    } finally {
      server.close();
    }
  }
}
