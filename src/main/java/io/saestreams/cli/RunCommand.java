package io.saestreams.cli;

import io.saestreams.stream.SaeTopology;
import io.saestreams.stream.TopicSpecs;
import io.saestreams.stream.config.AppConfig;
import io.saestreams.stream.validate.InputLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the application against an existing cluster and schema registry. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the streaming application against an existing Kafka cluster and schema registry.",
      "Settings come from the properties file; an environment variable SAE_<KEY> (upper case,",
      "dots and dashes as underscores) overrides <key>. Unknown or invalid settings stop the",
      "start with exit code 3. Never starts embedded services. Stops cleanly on Ctrl-C/SIGTERM."
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, description = "The application's properties file.")
  Path config;

  @Option(names = "--create-topics", description = "Create missing input, output, DLQ and model topics first.")
  boolean createTopics;

  @Option(names = "--partitions", defaultValue = "6", description = "Partitions of topics created with --create-topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--replication", defaultValue = "3", description = "Replication factor of topics created with --create-topics (default: ${DEFAULT-VALUE}).")
  short replication;

  /** Environment used for overrides (replaced in tests). */
  Map<String, String> env = System.getenv();

  @Override
  public Integer call() throws Exception {
    // signals are handled from the first moment: a SIGTERM during the start-up check is a clean stop too
    StopRequest stop = new StopRequest();
    try (StopSignals signals = StopSignals.install(stop::request)) {
      return run(stop);
    }
  }

  private Integer run(StopRequest stop) throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    AppConfig cfg;
    try {
      cfg = AppConfig.load(load(config), env);
    } catch (ConfigException | NoSuchFileException e) {
      err.println("configuration error: " + (e instanceof NoSuchFileException
          ? "the file " + config + " does not exist" : e.getMessage()));
      err.flush();
      return ExitCodes.CONFIG;
    }
    InputLimits limits = SaeTopology.limits(cfg);
    if (!limits.fits(cfg.inputDim())) {
      err.println("configuration error: sae.input.dim=" + cfg.inputDim() + " makes every training record at least "
          + (4L * cfg.inputDim()) + " bytes, more than the producer's max.request.size of " + limits.maxRecordBytes()
          + "; raise streams.producer.max.request.size (and max.message.bytes of the topics) or use a smaller"
          + " dimension");
      err.flush();
      return ExitCodes.CONFIG;
    }
    Duration startupTimeout = Duration.ofMillis(cfg.startupTimeoutMs());
    Duration shutdownTimeout = Duration.ofMillis(cfg.shutdownTimeoutMs());
    Properties streamsProperties = cfg.streamsProperties();
    String applicationId = streamsProperties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    Map<String, Object> adminConfig =
        new StreamsConfig(streamsProperties).getAdminConfigs("sae-streams-startup-check");
    LOG.info("starting application {} against bootstrap.servers={}", applicationId,
        adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    stop.beginInterruptible();
    try {
      ClusterCheck.awaitReachable(adminConfig, startupTimeout);
      if (createTopics) {
        try (Admin admin = Admin.create(adminConfig)) {
          TopicSpecs.createMissing(admin, cfg, partitions, replication);
        }
      }
    } catch (ClusterCheck.UnreachableException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    } catch (InterruptedException | InterruptException e) {
      if (!stop.isRequested()) {
        throw e;
      }
    } finally {
      stop.endInterruptible();
    }
    if (stop.isRequested()) {
      LOG.info("stopped before the application started");
      return ExitCodes.OK;
    }
    StreamsApp app = new StreamsApp(cfg);
    // SIGTERM/SIGINT ask this thread to stop; the hook covers any other exit of the JVM
    Thread hook = new Thread(() -> app.close(shutdownTimeout), "sae-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stop.attach(app);
    try {
      app.start();
      if (app.awaitFirstRunningOrStopRequest()) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("sae-streams running: application " + applicationId + ", input " + cfg.inputTopic()
            + (app.endpoint != null ? ", metrics " + app.endpoint.metricsUrl() : ""));
        out.flush();
        app.awaitStopRequest();
      }
    } finally {
      app.close(shutdownTimeout);
      removeHook(hook);
    }
    if (app.failure() != null) {
      err.println("error: the application failed: " + describe(app.failure()));
      err.flush();
      return ExitCodes.FAILURE;
    }
    return ExitCodes.OK;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down
    }
  }

  /** The exception and its causes, each with its message (never "null"). */
  static String describe(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (b.length() > 0) {
        b.append(" <- ");
      }
      b.append(c.getClass().getSimpleName());
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        b.append(": ").append(c.getMessage());
      }
    }
    return b.toString();
  }

  static Properties load(Path file) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }
}
