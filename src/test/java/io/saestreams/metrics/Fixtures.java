package io.saestreams.metrics;

import io.saestreams.model.LossParts;
import io.saestreams.train.StatsSnapshot;
import io.saestreams.train.StepResult;

/** Sink arguments for tests. */
final class Fixtures {
  private Fixtures() {}

  static StepResult step(long n, int rows, double gradNorm, float lr) {
    return new StepResult(n, rows, new LossParts(0.5, 0.1, 0.01, 0.02), gradNorm, false, lr);
  }

  static StepResult skippedStep(long n, int rows) {
    return new StepResult(
        n, rows, new LossParts(Double.NaN, 0, 0, 0), Double.POSITIVE_INFINITY, true, 0f);
  }

  /** Latent j fires with frequency j/100 and has mean activation j/10 (+ offset). */
  static StatsSnapshot stats(int latents, double fvu, double offset) {
    double[] firing = new double[latents];
    double[] mean = new double[latents];
    for (int j = 0; j < latents; j++) {
      firing[j] = j / 100.0;
      mean[j] = j / 10.0 + offset;
    }
    return new StatsSnapshot(
        1000, 10, fvu, 0.003, 12.5, 0.125, 0.0625, 0.04, 0.3, 0.05, 0.002, 0.007, firing, mean);
  }
}
