package dev.lanes.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code lanes}: the platform's resources and flows from a terminal or a script, over the REST API
 * and event streams only.
 */
@Command(
    name = "lanes",
    mixinStandardHelpOptions = true,
    version = "lanes 0.1.0",
    description = "Build, release and route apps on Lanes.",
    subcommands = {
      AppsCommand.class,
      ImageReposCommand.class,
      LaneCommand.class,
      BuildsCommand.class,
      ReleasesCommand.class,
      ApiKeysCommand.class,
      AuditCommand.class,
      ConfigCommand.class,
      DeployCommand.class,
      SelfDeployCommand.class,
      ReleaseFlows.Release.class,
      ReleaseFlows.Rollback.class,
      ReleaseFlows.Undeploy.class,
      ReleaseFlows.History.class,
      StatusCommand.class,
      LatestBuildCommand.class,
      LogsCommand.class,
      RoutesCommand.class,
      EventsCommand.class,
      AutoComplete.GenerateCompletion.class,
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  success",
      "  1  the operation failed (refused, build or rollout failed, platform unreachable)",
      "  2  usage error",
      "  3  timeout (--wait ran out)",
      "  4  not found",
      "  5  authentication: no key, a wrong one, or one without the scope",
      "130  interrupted (Ctrl-C); what was started goes on on the platform",
      "",
      "Configuration: LANES_URL and LANES_API_KEY, else the current context of",
      "~/.config/lanes/config.yaml (lanes config --help)."
    })
public final class LanesCli {

  @Option(
      names = "--url",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = "The platform's URL (default: LANES_URL, the context's, http://localhost:8080)")
  String url;

  @Option(
      names = "--context",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description = "A context of the configuration file instead of the current one")
  String context;

  @Option(
      names = "--via-lane",
      scope = ScopeType.INHERIT,
      paramLabel = "LANE",
      description = "Route the API calls to the platform's instance in this lane (sends x-lane)")
  String viaLane;

  private final Map<String, String> env;

  LanesCli(Map<String, String> env) {
    this.env = env;
  }

  Map<String, String> env() {
    return env;
  }

  ApiClient client() {
    return new ApiClient(Target.resolve(env, url, context, viaLane));
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(args, out, err, System.getenv()));
  }

  /** Runs one command line; what {@code main} does, for tests. */
  public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
    CommandLine cli = new CommandLine(new LanesCli(env));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof CliException c) {
            err.println("error: " + c.getMessage());
            err.flush();
            return c.exitCode();
          }
          // a bug of ours: say so in one line, the trace only on request
          err.println("error: " + e);
          if (env.containsKey("LANES_DEBUG")) {
            e.printStackTrace(err);
          }
          err.flush();
          return ExitCodes.FAILED;
        });
    cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }
}
