package io.saestreams.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packaged application ({@code java -jar sae-streams.jar run --config FILE}) as a process of
 * its own, so that a crash is a real one: {@link #kill()} is {@code kill -9}
 * ({@link Process#destroyForcibly()}), {@link #terminate(Duration)} is SIGTERM. Standard output
 * and error go to a file in {@code workDir}, which the test reads while it runs.
 */
final class AppProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AppProcess.class);
  /** The shaded jar, set by Failsafe ({@code sae.jar}); the default fits a build from the project root. */
  static final Path JAR = Path.of(System.getProperty("sae.jar", "target/sae-streams.jar"));

  private final Process process;
  private final Path output;
  private final Path tmp;
  private final String name;

  private AppProcess(Process process, Path output, Path tmp, String name) {
    this.process = process;
    this.output = output;
    this.tmp = tmp;
    this.name = name;
  }

  /**
   * Starts {@code run --config config} in a new JVM whose temporary directory (and so the
   * application's own log file) is under {@code workDir}.
   */
  static AppProcess start(Path config, Path workDir, String name, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("run", "--config", config.toString()));
    args.addAll(List.of(extraArgs));
    return launch(workDir, name, args);
  }

  /** Starts the jar's command {@code args} (e.g. {@code demo ...}) the same way as {@link #start}. */
  static AppProcess launch(Path workDir, String name, List<String> args) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException("the application jar " + JAR.toAbsolutePath()
          + " does not exist: run the integration tests through Maven (mvn verify), after package");
    }
    try {
      Path tmp = Files.createDirectories(workDir.resolve(name + "-tmp"));
      Path output = workDir.resolve(name + ".out");
      List<String> cmd = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Djava.io.tmpdir=" + tmp,
          "-jar", JAR.toAbsolutePath().toString()));
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(output.toFile()));
      pb.environment().keySet().removeIf(k -> k.startsWith("SAE_"));
      pb.environment().put("OPENBLAS_NUM_THREADS", "1");
      Process p = pb.start();
      LOG.info("started {} as pid {}", name, p.pid());
      return new AppProcess(p, output, tmp, name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  String name() {
    return name;
  }

  /** The process's {@code java.io.tmpdir}. */
  Path tmpDir() {
    return tmp;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** What the process printed so far (standard output and error). */
  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the process printed {@code text}; fails at once if it exits first. */
  void awaitOutput(String text, Duration timeout) {
    Poll.until(timeout, name + " to print \"" + text + "\"", () -> {
      if (output().contains(text)) {
        return true;
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " before printing \""
            + text + "\":\n" + output());
      }
      return false;
    });
  }

  /** Fails, with what it printed, if the process is no longer running. */
  void assertAlive() {
    if (!process.isAlive()) {
      throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + output());
    }
  }

  /** {@code kill -9}: no shutdown hook, no flush, no commit. */
  void kill() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(30));
    LOG.info("killed {} (exit {})", name, process.exitValue());
  }

  /**
   * SIGTERM, then waits up to {@code timeout} for the exit; returns the exit code, or -1 if the
   * process was still running at the deadline (it is then killed).
   */
  int terminate(Duration timeout) {
    process.destroy();
    if (!waitFor(timeout)) {
      LOG.warn("{} still running {} after SIGTERM; killing it", name, timeout);
      kill();
      return -1;
    }
    return process.exitValue();
  }

  /** Waits for the process to exit by itself; returns its exit code, or -1 if it still runs. */
  int waitForExit(Duration timeout) {
    return waitFor(timeout) ? process.exitValue() : -1;
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(30));
    }
  }
}
