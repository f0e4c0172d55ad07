package dev.lanes.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A private git server on 127.0.0.1 over SSH, as GitHub and GitLab serve one: Apache MINA sshd with
 * public key authentication only (one user, one authorized key), and {@code git-upload-pack} as
 * JGit's {@link UploadPack} on the bare repositories under a root directory. No shell, no other
 * command, no password.
 */
public final class GitSshServer implements AutoCloseable {

  private final SshServer server;
  private final KeyPair hostKey;
  private final String user;
  private final Path root;
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger served = new AtomicInteger();
  private final ExecutorService packs = Executors.newCachedThreadPool();

  private GitSshServer(Path root, String user, PublicKey authorized, KeyPair hostKey)
      throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.user = user;
    this.hostKey = hostKey;
    this.server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setPublickeyAuthenticator(
        (name, key, session) -> {
          boolean ok = user.equals(name) && KeyUtils.compareKeys(authorized, key);
          if (!ok) {
            refused.incrementAndGet();
          }
          return ok;
        });
    server.setShellFactory(null);
    server.setCommandFactory(commands());
    server.start();
  }

  /**
   * @param root the directory of bare repositories, {@code team/app.git} served as {@code
   *     /team/app.git} and {@code team/app.git}
   * @param authorized the one public key let in, for {@code user}
   * @param hostKey what the server proves itself with: a known_hosts line names its public half
   */
  public static GitSshServer start(Path root, String user, PublicKey authorized, KeyPair hostKey)
      throws IOException {
    return new GitSshServer(root, user, authorized, hostKey);
  }

  public int port() {
    return server.getPort();
  }

  /** {@code ssh://user@127.0.0.1:port/path}. */
  public String url(String path) {
    return "ssh://" + user + "@127.0.0.1:" + port() + "/" + path;
  }

  /** The line ssh-keyscan prints for this server: {@code [127.0.0.1]:port KEY}. */
  public String knownHostsLine() {
    return TestSshKeys.knownHostsLine("[127.0.0.1]:" + port(), hostKey);
  }

  /** Public keys refused: a wrong key, or the right one for another user. */
  public int refused() {
    return refused.get();
  }

  /** upload-pack sessions run to the end. */
  public int served() {
    return served.get();
  }

  @Override
  public void close() {
    try {
      server.stop(true);
    } catch (IOException e) {
      // a test server that does not stop cleanly leaks a port, which is not a test failure
    } finally {
      packs.shutdownNow();
    }
  }

  private CommandFactory commands() {
    return (channel, command) -> new UploadPackCommand(command);
  }

  /** {@code git-upload-pack '/team/app.git'}, as git and JGit send it; anything else fails. */
  private Path repository(String command) throws IOException {
    List<String> words = CommandFactory.split(command);
    if (words.size() != 2 || !words.get(0).equals("git-upload-pack")) {
      throw new IOException("only git-upload-pack is served here, not: " + command);
    }
    String path = words.get(1).replaceAll("^'|'$", "").replaceFirst("^/+", "");
    Path repo = root.resolve(path).normalize();
    if (!repo.startsWith(root) || !Files.isDirectory(repo)) {
      throw new IOException("no repository " + path);
    }
    return repo;
  }

  private final class UploadPackCommand implements Command {
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    UploadPackCommand(String command) {
      this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
      this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      packs.execute(this::run);
    }

    private void run() {
      int status = 0;
      try (Repository repo =
          new FileRepositoryBuilder().setGitDir(repository(command).toFile()).build()) {
        new UploadPack(repo).upload(in, out, err);
        served.incrementAndGet();
      } catch (IOException | RuntimeException e) {
        status = 1;
        try {
          err.write((e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
          err.flush();
        } catch (IOException ignored) {
          // the client went away: nobody is left to tell
        }
      }
      exit.onExit(status);
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }
}
