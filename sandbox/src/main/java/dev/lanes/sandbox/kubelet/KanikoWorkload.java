package dev.lanes.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.CloneCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A Kaniko executor without Docker: it reads the build context of a {@code file://} repository at
 * the pinned commit with JGit, fails as Kaniko would when the Dockerfile is not there, walks the
 * Dockerfile's instructions with plausible log lines, and "pushes" an image whose digest it writes
 * as the termination message (Kaniko's {@code --digest-file=/dev/termination-log}).
 *
 * <p>Ways to make a build fail or last, on purpose: a {@code RUN false} or {@code RUN exit N}
 * instruction fails the build like a failing command; a comment {@code # sandbox: sleep 30s} makes
 * the build take that long (to try cancel and deadlines). {@code file://} repositories are read in
 * place and {@code git://} contexts on loopback are cloned with the credentials the container's
 * environment holds (as Kaniko does); other repositories cannot be fetched here, their builds are
 * simulated without reading the source.
 */
final class KanikoWorkload implements Workload {

  static final Pattern SLEEP =
      Pattern.compile("#\\s*sandbox:\\s*sleep\\s+(\\d+)(ms|s|m)\\s*", Pattern.CASE_INSENSITIVE);
  static final Pattern FAILING_RUN =
      Pattern.compile("RUN\\s+(false|exit\\s+(\\d+))\\s*", Pattern.CASE_INSENSITIVE);

  static boolean isKaniko(Container container) {
    return container.getArgs() != null
        && container.getArgs().stream().anyMatch(a -> a.startsWith("--context="));
  }

  @Override
  public Outcome run(Container container, Run run) throws InterruptedException {
    List<String> args = container.getArgs();
    String context = arg(args, "--context").orElse("");
    String subPath = arg(args, "--context-sub-path").orElse("");
    String dockerfile = arg(args, "--dockerfile").orElse("Dockerfile");
    String destination = arg(args, "--destination").orElse("image:latest");
    run.log("INFO[0000] Using dockerignore file: .dockerignore");
    run.log("INFO[0000] Retrieving build context from " + context.replaceAll("#.*", ""));
    run.pause(run.step());
    Optional<String> source;
    try {
      source =
          context.startsWith("dir://")
              ? readLocalDockerfile(container, run, context, subPath, dockerfile)
              : readDockerfile(context, subPath, dockerfile, run.env());
    } catch (ContextException e) {
      run.log("error building image: " + e.getMessage());
      return Outcome.failed(e.getMessage());
    }
    if (source.isEmpty()) {
      run.log(
          "INFO[0000] sandbox: "
              + context.replaceAll("#.*", "")
              + " cannot be fetched here;"
              + " the build is simulated without reading the source");
    }
    for (String line : source.orElse("FROM scratch\n").split("\n")) {
      Outcome failure = instruction(line.trim(), run);
      if (failure != null) {
        return failure;
      }
    }
    String digest = digest(destination + "@" + context);
    run.log("INFO[0002] Pushing image to " + destination);
    run.pause(run.step());
    run.log("INFO[0003] Pushed " + destination.replaceAll(":[^:/]*$", "") + "@" + digest);
    return Outcome.succeeded(args.contains("--digest-file=/dev/termination-log") ? digest : "");
  }

  /** Simulates one Dockerfile line; answers the failure it causes, or {@code null}. */
  private static Outcome instruction(String line, Run run) throws InterruptedException {
    Matcher sleep = SLEEP.matcher(line);
    if (sleep.matches()) {
      run.pause(duration(Long.parseLong(sleep.group(1)), sleep.group(2)));
      return null;
    }
    if (line.isEmpty() || line.startsWith("#")) {
      return null;
    }
    String keyword = line.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
    if (keyword.equals("FROM")) {
      run.log("INFO[0001] Retrieving image manifest " + line.substring(4).trim());
    }
    run.log("INFO[0001] " + line);
    Matcher failing = FAILING_RUN.matcher(line);
    if (failing.matches()) {
      String code = failing.group(2) == null ? "1" : failing.group(2);
      String message =
          "error building image: error building stage: failed to execute command: waiting for"
              + " process to exit: exit status "
              + code;
      run.log(message);
      return Outcome.failed(message);
    }
    if (keyword.equals("RUN") || keyword.equals("COPY") || keyword.equals("ADD")) {
      run.log("INFO[0001] Taking snapshot of full filesystem...");
    }
    run.pause(run.step());
    return null;
  }

  /**
   * The Dockerfile at the pinned commit, or empty when the context cannot be fetched here: a {@code
   * file://} repository is read in place; a {@code git://} context on a loopback host is cloned as
   * Kaniko clones it (over HTTPS, or HTTP with {@code GIT_PULL_METHOD=http}, with {@code
   * GIT_USERNAME}/{@code GIT_PASSWORD} from the container's environment); any other host is never
   * contacted from the sandbox.
   *
   * @throws ContextException as Kaniko fails when the context or Dockerfile cannot be read
   */
  static Optional<String> readDockerfile(
      String context, String subPath, String dockerfile, Map<String, String> env)
      throws ContextException {
    String[] parts = context.split("#");
    String commit = parts[parts.length - 1];
    String path =
        normalise(
            subPath.isEmpty() || subPath.equals(".") ? dockerfile : subPath + "/" + dockerfile);
    if (context.startsWith("file://")) {
      String local = parts[0].substring("file://".length());
      try (Git git = Git.open(new File(local))) {
        return Optional.of(dockerfileAt(git.getRepository(), local, commit, path));
      } catch (IOException e) {
        throw new ContextException(
            "cannot read the build context " + local + ": " + e.getMessage());
      }
    }
    if (context.startsWith("git://") && parts.length == 3 && isLoopback(parts[0])) {
      return Optional.of(cloned(parts[0], parts[1], commit, path, env));
    }
    return Optional.empty();
  }

  /**
   * The Dockerfile of a {@code dir://} context in one of the pod's volumes (an SSH build's
   * checkout, written by its clone init container), or empty when no volume holds that path.
   *
   * @throws ContextException as Kaniko fails when the Dockerfile is not there
   */
  static Optional<String> readLocalDockerfile(
      Container container, Workload.Run run, String context, String subPath, String dockerfile)
      throws ContextException {
    String dir = context.substring("dir://".length());
    if (!subPath.isEmpty() && !subPath.equals(".")) {
      dir = dir + "/" + subPath;
    }
    Optional<Path> local = run.scratch().resolve(container, dir);
    if (local.isEmpty()) {
      return Optional.empty();
    }
    Path file = local.get().resolve(normalise(dockerfile)).normalize();
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ContextException(
          "error resolving dockerfile path: please provide a valid path to a Dockerfile within"
              + " the build context with --dockerfile ("
              + dir
              + "/"
              + normalise(dockerfile)
              + " does not exist)");
    }
  }

  /** Clones {@code ref} of a loopback repository as Kaniko's git context does, then reads. */
  private static String cloned(
      String base, String ref, String commit, String path, Map<String, String> env)
      throws ContextException {
    String scheme = "http".equals(env.get("GIT_PULL_METHOD")) ? "http://" : "https://";
    String url = scheme + base.substring("git://".length());
    Path dir = null;
    try {
      dir = Files.createTempDirectory("sandbox-kaniko-");
      CloneCommand clone =
          Git.cloneRepository()
              .setURI(url)
              .setBare(true)
              .setDirectory(dir.toFile())
              .setBranchesToClone(List.of(ref))
              .setBranch(ref);
      String user = env.get("GIT_USERNAME");
      String password = env.get("GIT_PASSWORD");
      if (user != null && password != null) {
        clone.setCredentialsProvider(new UsernamePasswordCredentialsProvider(user, password));
      }
      try (Git git = clone.call()) {
        return dockerfileAt(git.getRepository(), url, commit, path);
      }
    } catch (TransportException e) {
      // Kaniko's words (go-git's); JGit's message names the URL, never the password
      throw new ContextException(
          "getting build context: failed to clone "
              + url
              + ": "
              + (isAuthFailure(e) ? "authentication required" : e.getMessage()));
    } catch (GitAPIException | IOException e) {
      throw new ContextException("getting build context: failed to clone " + url + ": " + e);
    } finally {
      if (dir != null) {
        deleteQuietly(dir);
      }
    }
  }

  /** JGit's "not authorized", "Authentication is required but no CredentialsProvider...". */
  private static boolean isAuthFailure(TransportException e) {
    return e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("auth");
  }

  private static String dockerfileAt(Repository repo, String where, String commit, String path)
      throws IOException, ContextException {
    try (RevWalk walk = new RevWalk(repo)) {
      ObjectId id = repo.resolve(commit);
      if (id == null) {
        throw new ContextException("commit " + commit + " is not in " + where);
      }
      RevCommit rev = walk.parseCommit(id);
      try (TreeWalk tree = TreeWalk.forPath(repo, path, rev.getTree())) {
        if (tree == null) {
          throw new ContextException(
              path,
              "error resolving dockerfile path: please provide a valid path to a Dockerfile within"
                  + " the build context with --dockerfile ("
                  + path
                  + " does not exist at "
                  + commit.substring(0, Math.min(7, commit.length()))
                  + ")");
        }
        return new String(repo.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  /** The sandbox reaches loopback only: any other git host is simulated, never contacted. */
  private static boolean isLoopback(String base) {
    String host = URI.create("http://" + base.substring("git://".length())).getHost();
    if (host == null) {
      return false;
    }
    return host.equals("localhost")
        || host.equals("[::1]")
        || host.equals("::1")
        || host.matches("127(\\.\\d{1,3}){3}");
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind: nothing a build depends on
    }
  }

  private static String normalise(String path) {
    return path.replaceAll("^\\./", "").replaceAll("/\\./", "/");
  }

  private static Optional<String> arg(List<String> args, String name) {
    return args.stream()
        .filter(a -> a.startsWith(name + "="))
        .map(a -> a.substring(name.length() + 1))
        .findFirst();
  }

  static Duration duration(long n, String unit) {
    return switch (unit.toLowerCase(Locale.ROOT)) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }

  static String digest(String seed) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The build context cannot be used; the message is what Kaniko would print. */
  static final class ContextException extends Exception {
    /** The Dockerfile's path when it is what is missing, else {@code null}. */
    final String missingDockerfile;

    ContextException(String message) {
      this(null, message);
    }

    ContextException(String missingDockerfile, String message) {
      super(message);
      this.missingDockerfile = missingDockerfile;
    }
  }
}
