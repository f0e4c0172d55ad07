package dev.lanes.builds.git;

import dev.lanes.common.crypto.SshKeys;
import dev.lanes.common.net.SshGitUrl;
import java.io.File;
import java.security.KeyPair;
import java.util.List;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * An SSH session factory for one ref listing, built from the image repo's key and known_hosts in
 * memory: nothing is read from or written to the service's home ({@code ~/.ssh} config, identities,
 * known_hosts, an agent), and no file holds the key. Close it after the listing: it owns an sshd
 * client and its threads.
 */
final class SshSessions {

  // never created: JGit wants a home and an .ssh directory, and every file it would read there is
  // replaced below, so a path that cannot exist makes sure nothing of the host's is picked up
  private static final File NO_HOME = new File("/nonexistent/lanes-build-service");

  private SshSessions() {}

  static SshdSessionFactory forListing(KeyPair key, KnownHostsDatabase hostKeys) {
    return new SshdSessionFactoryBuilder()
        .setHomeDirectory(NO_HOME)
        .setSshDirectory(new File(NO_HOME, ".ssh"))
        .setConfigStoreFactory((home, config, localUser) -> null)
        .setDefaultKnownHostsFiles(sshDir -> List.of())
        .setDefaultIdentities(sshDir -> List.of())
        .setDefaultKeysProvider(sshDir -> List.of(key))
        .setServerKeyDatabase((home, sshDir) -> hostKeys)
        .setConnectorFactory(null)
        .setPreferredAuthentications("publickey")
        .build(null);
  }

  /** The parts of ssh credentials a listing uses, read once. */
  record Material(KeyPair key, KnownHostsDatabase hostKeys) {
    static Material of(String privateKey, String knownHosts, SshGitUrl url)
        throws SshKeys.InvalidSshKey {
      return new Material(
          SshKeys.privateKey(privateKey),
          new KnownHostsDatabase(SshKeys.knownHosts(knownHosts), url));
    }
  }
}
