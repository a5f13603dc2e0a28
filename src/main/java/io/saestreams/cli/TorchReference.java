package io.saestreams.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the bundled PyTorch reference script (one thread, fp32, Adam, the bench shapes) in a
 * child process and reads its training throughput per shape. Only a measuring aid: PyTorch is
 * never a dependency.
 */
final class TorchReference {
  private static final Pattern LINE =
      Pattern.compile("^(\\S+)\\s+.*torch\\s+train\\s+([0-9.]+) samples/s$");

  private TorchReference() {}

  static Map<String, Double> run(String python, double seconds) throws IOException,
      InterruptedException {
    Path script = Files.createTempFile("sae-torch-reference-", ".py");
    try (InputStream in = TorchReference.class.getResourceAsStream("/bench/torch_reference.py")) {
      if (in == null) {
        throw new IllegalStateException("the PyTorch reference script is missing from the jar");
      }
      Files.write(script, in.readAllBytes());
      ProcessBuilder pb = new ProcessBuilder(python, script.toString(), Double.toString(seconds))
          .redirectErrorStream(true);
      pb.environment().put("OMP_NUM_THREADS", "1");
      Process p = pb.start();
      Map<String, Double> rates = new LinkedHashMap<>();
      StringBuilder all = new StringBuilder();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          all.append(line).append('\n');
          Matcher m = LINE.matcher(line.strip());
          if (m.matches()) {
            rates.put(m.group(1), Double.parseDouble(m.group(2)));
          }
        }
      }
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || rates.isEmpty()) {
        throw new IllegalStateException("the PyTorch reference failed (" + python
            + "; is python3-torch installed?): " + all.toString().strip());
      }
      return rates;
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
