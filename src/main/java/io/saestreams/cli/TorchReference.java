package io.saestreams.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bundled PyTorch reference script (one thread, fp32, Adam, the bench shapes) running in a
 * child process in its serving mode: each {@link #measure} call has it train one shape for the
 * given time and returns its samples/s. Each shape's model stays alive between calls, so the
 * caller can alternate PyTorch and its own runs (A B A B ...) and compare neighbours, which
 * keeps the ratio stable on a machine whose load changes. Only a measuring aid: PyTorch is never
 * a dependency.
 */
final class TorchReference implements AutoCloseable {
  private static final Pattern LINE =
      Pattern.compile("^(\\S+) torch train ([0-9.]+) samples/s$");

  private final Path script;
  private final Process process;
  private final BufferedReader in;
  private final Writer toPython;
  private final String python;
  /** The script's first line: PyTorch's version and thread count. */
  private final String version;

  /**
   * Starts the script.
   *
   * @param python an interpreter with PyTorch
   */
  TorchReference(String python) throws IOException {
    this.python = python;
    this.script = Files.createTempFile("sae-torch-reference-", ".py");
    try (InputStream res = TorchReference.class.getResourceAsStream("/bench/torch_reference.py")) {
      if (res == null) {
        throw new IllegalStateException("the PyTorch reference script is missing from the jar");
      }
      Files.write(script, res.readAllBytes());
    }
    ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--serve")
        .redirectErrorStream(true);
    // one thread, whatever the environment says (the script also calls torch.set_num_threads(1))
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("MKL_NUM_THREADS", "1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    this.process = pb.start();
    this.in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
    this.toPython = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    String first = in.readLine();
    if (first == null || !first.startsWith("torch ")) {
      String rest = drain();
      close();
      throw new IllegalStateException("the PyTorch reference failed to start (" + python
          + "; is python3-torch installed?): " + (first == null ? "" : first) + "\n" + rest);
    }
    this.version = first;
  }

  /** PyTorch's version and thread count, as the script reports them. */
  String version() {
    return version;
  }

  /**
   * Has PyTorch train one shape for at least the given time.
   *
   * @param shape a shape name of {@link TrainingBenchmark#SHAPES}
   * @return PyTorch's training samples/s
   */
  double measure(String shape, double seconds) throws IOException {
    toPython.write(shape + " " + String.format(Locale.ROOT, "%.3f", seconds) + "\n");
    toPython.flush();
    String line = in.readLine();
    Matcher m = line == null ? null : LINE.matcher(line.strip());
    if (m == null || !m.matches() || !m.group(1).equals(shape)) {
      throw new IllegalStateException("the PyTorch reference (" + python + ") answered "
          + (line == null ? "nothing" : "'" + line + "'") + " for " + shape + ": " + drain());
    }
    return Double.parseDouble(m.group(2));
  }

  private String drain() {
    StringBuilder all = new StringBuilder();
    try {
      toPython.close();
    } catch (IOException ignored) {
      // already gone
    }
    try {
      String line;
      while ((line = in.readLine()) != null) {
        all.append(line).append('\n');
      }
    } catch (IOException ignored) {
      // what was read so far
    }
    return all.toString().strip();
  }

  @Override
  public void close() throws IOException {
    try {
      toPython.close();
    } catch (IOException ignored) {
      // the process may have ended
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy();
      }
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
