package io.saestreams.cli;

import io.saestreams.stream.TopicSpecs;
import io.saestreams.stream.config.AppConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigException;
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
    if (createTopics) {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          cfg.streamsProperties().getProperty("bootstrap.servers")))) {
        TopicSpecs.createMissing(admin, cfg, partitions, replication);
      }
    }
    try (StreamsApp app = new StreamsApp(cfg)) {
      Thread hook = new Thread(app::close, "sae-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      app.start();
      PrintWriter out = spec.commandLine().getOut();
      out.println("sae-streams running: application " + cfg.streamsProperties()
          .getProperty("application.id") + ", input " + cfg.inputTopic()
          + (app.endpoint != null ? ", metrics " + app.endpoint.metricsUrl() : ""));
      out.flush();
      app.awaitStop();
      if (app.failure() != null) {
        err.println("error: the application failed: " + app.failure());
        err.flush();
        return ExitCodes.FAILURE;
      }
      return ExitCodes.OK;
    }
  }

  static Properties load(Path file) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }
}
