package dev.lanes.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code buildctl-daemonless.sh build} without BuildKit: it reads the git context of a {@code
 * file://} repository at the pinned commit (with {@link KanikoWorkload}'s reader), fails as
 * BuildKit would when the Dockerfile is not there or a {@code RUN} fails, logs the steps in
 * buildctl's plain progress format, and "pushes" an image whose digest it writes as the termination
 * message, as the Job's wrapper does from buildctl's metadata file.
 *
 * <p>The same ways to make a build fail or last as {@link KanikoWorkload}'s: {@code RUN false},
 * {@code RUN exit N}, {@code # sandbox: sleep 30s}. Other repositories are simulated without
 * reading the source.
 */
final class BuildKitWorkload implements Workload {

  /** The Job's container runs buildctl with the Dockerfile frontend (BuildKitJobSpec). */
  static boolean isBuildKit(Container container) {
    return container.getArgs() != null
        && container.getArgs().contains("--frontend=dockerfile.v0")
        && container.getArgs().get(0).equals("build");
  }

  @Override
  public Outcome run(Container container, Run run) throws InterruptedException {
    List<String> args = container.getArgs();
    String context = opt(args, "context").orElse("");
    String filename = opt(args, "filename").orElse("Dockerfile");
    String image = output(args, "name").orElse("image:latest");
    String[] source = context.split("#", 2);
    String[] pin = source.length < 2 ? new String[] {""} : source[1].split(":", 2);
    String subdir = pin.length < 2 ? "" : pin[1];
    run.log("#1 [internal] load git source " + source[0]);
    run.pause(run.step());
    Optional<String> dockerfile;
    try {
      dockerfile =
          KanikoWorkload.readDockerfile(source[0] + "#" + pin[0], subdir, filename, run.env());
    } catch (KanikoWorkload.ContextException e) {
      String message =
          e.missingDockerfile == null
              ? "ERROR: failed to solve: " + e.getMessage()
              : "ERROR: failed to solve: failed to read dockerfile: open "
                  + filename
                  + ": no such file or directory";
      run.log(message);
      return Outcome.failed(message);
    }
    if (dockerfile.isEmpty()) {
      run.log("#1 sandbox: " + source[0] + " cannot be fetched here; simulated without the source");
    }
    run.log("#1 DONE 0.1s");
    Outcome failure = steps(instructions(dockerfile.orElse("FROM scratch\n")), args, run);
    if (failure != null) {
      return failure;
    }
    String digest = KanikoWorkload.digest(image + "@" + context);
    run.log("#9 exporting to image");
    run.log("#9 pushing layers");
    run.pause(run.step());
    run.log("#9 pushing manifest for " + image + "@" + digest);
    run.log("#9 DONE 0.2s");
    return Outcome.succeeded(reportsDigest(container, args) ? digest : "");
  }

  /** The Dockerfile's instructions, comments kept: a sleep comment is an instruction here. */
  private static List<String> instructions(String dockerfile) {
    List<String> lines = new ArrayList<>();
    for (String line : dockerfile.split("\n")) {
      if (!line.isBlank()) {
        lines.add(line.trim());
      }
    }
    return lines;
  }

  /** {@code RUN --mount=type=secret,id=NAME}: the step reads the build secret NAME. */
  private static final Pattern SECRET_MOUNT =
      Pattern.compile("--mount=type=secret,id=([A-Za-z_][A-Za-z0-9_]*)");

  /**
   * Whether buildctl was given the secret as a real one is, {@code --secret=id=NAME,env=VAR}, and
   * the container's environment has VAR: a Job that forgot the Secret fails the step that needs it.
   */
  private static boolean secretGiven(String name, List<String> args, Run run) {
    String prefix = "--secret=id=" + name + ",env=";
    return args.stream()
        .filter(a -> a.startsWith(prefix))
        .map(a -> run.env().get(a.substring(prefix.length())))
        .anyMatch(value -> value != null && !value.isEmpty());
  }

  private static Outcome steps(List<String> lines, List<String> args, Run run)
      throws InterruptedException {
    long total = lines.stream().filter(l -> !l.startsWith("#")).count();
    int step = 0;
    for (String line : lines) {
      Matcher sleep = KanikoWorkload.SLEEP.matcher(line);
      if (sleep.matches()) {
        run.pause(KanikoWorkload.duration(Long.parseLong(sleep.group(1)), sleep.group(2)));
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      step++;
      String keyword = line.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
      run.log("#" + (step + 1) + " [" + step + "/" + total + "] " + line);
      Matcher mount = SECRET_MOUNT.matcher(line);
      while (mount.find()) {
        if (!secretGiven(mount.group(1), args, run)) {
          String message = "ERROR: failed to solve: secret " + mount.group(1) + ": not found";
          run.log("#" + (step + 1) + " " + message);
          return Outcome.failed(message);
        }
      }
      Matcher failing = KanikoWorkload.FAILING_RUN.matcher(line);
      if (failing.matches()) {
        String code = failing.group(2) == null ? "1" : failing.group(2);
        String message =
            "ERROR: failed to solve: process \"/bin/sh -c "
                + line.substring(keyword.length()).trim()
                + "\" did not complete successfully: exit code: "
                + code;
        run.log("#" + (step + 1) + " ERROR: process did not complete successfully");
        run.log(message);
        return Outcome.failed(message);
      }
      run.pause(run.step());
      run.log("#" + (step + 1) + " DONE 0.1s");
    }
    return null;
  }

  /** The Job's wrapper writes the digest only when buildctl wrote its metadata file. */
  private static boolean reportsDigest(Container container, List<String> args) {
    return container.getCommand() != null
        && String.join(" ", container.getCommand()).contains("/dev/termination-log")
        && args.stream().anyMatch(a -> a.startsWith("--metadata-file="));
  }

  /** A frontend option: {@code --opt=name=value}. */
  private static Optional<String> opt(List<String> args, String name) {
    String prefix = "--opt=" + name + "=";
    return args.stream()
        .filter(a -> a.startsWith(prefix))
        .map(a -> a.substring(prefix.length()))
        .findFirst();
  }

  /** An attribute of {@code --output=type=image,name=...,push=true}. */
  private static Optional<String> output(List<String> args, String key) {
    return args.stream()
        .filter(a -> a.startsWith("--output="))
        .flatMap(a -> List.of(a.substring("--output=".length()).split(",")).stream())
        .filter(kv -> kv.startsWith(key + "="))
        .map(kv -> kv.substring(key.length() + 1))
        .findFirst();
  }
}
