package dev.lanes.common.app;

import dev.lanes.common.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The life of one service as its own process: read the environment, start, and stop cleanly on
 * SIGTERM (what Kubernetes sends) or Ctrl-C. A configuration mistake exits with 2 and says which
 * variable; any other failure to start exits with 1, after stopping what had started.
 */
public final class ServiceProcess {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceProcess.class);

  /** Starts the service from the environment; what it returns is closed on shutdown. */
  @FunctionalInterface
  public interface Start {
    AutoCloseable start(Map<String, String> env, Closer closer) throws Exception;
  }

  /** Things to stop, in reverse order of starting; a failed step does not keep the next from it. */
  public static final class Closer implements AutoCloseable {

    /** One step of stopping. */
    @FunctionalInterface
    public interface Step {
      void run() throws Exception;
    }

    private final List<Step> steps = new ArrayList<>();

    /** Registers {@code step} to run before every step registered earlier. */
    public <T> T add(T resource, Step step) {
      steps.add(0, step);
      return resource;
    }

    @Override
    public synchronized void close() {
      for (Step step : steps) {
        try {
          step.run();
        } catch (Exception e) {
          LOG.warn("stopping: {}", e.toString());
        }
      }
      steps.clear();
    }
  }

  private ServiceProcess() {}

  public static void main(String service, Start start) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    Closer closer = new Closer();
    try {
      AutoCloseable running = start.start(System.getenv(), closer);
      closer.add(running, running::close);
    } catch (ConfigException e) {
      closer.close();
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    } catch (Exception | Error e) {
      // an Error too: Vert.x threads would keep a JVM whose main thread died alive
      LOG.error("{} could not start: {}", service, e.getMessage(), e);
      closer.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  closer.close();
                  LOG.info("{} stopped", service);
                },
                service + "-shutdown"));
  }
}
