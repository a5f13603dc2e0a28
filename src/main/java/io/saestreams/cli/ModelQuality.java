package io.saestreams.cli;

import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemm;
import io.saestreams.train.TrainingStats;
import java.util.List;

/**
 * Measures a fixed model on a set of vectors: FVU, L0 and the SAEBench reconstruction and density
 * metrics from running sums, activity per latent.
 */
final class ModelQuality {
  /**
   * @param stats FVU, MSE and L0 over the vectors
   * @param meanActivation mean activation of each latent over the vectors
   * @param firingFrequency fraction of vectors on which each latent is active
   */
  record Result(TrainingStats stats, double[] meanActivation, double[] firingFrequency) {}

  private ModelQuality() {}

  /** Receives the latents active on each vector, in the order of the vectors. */
  interface CodeSink {
    /**
     * @param vector the vector's index in the list
     * @param latents the active latents, in the first {@code count} entries (reused afterwards)
     */
    void accept(int vector, int[] latents, int count);
  }

  static Result measure(SaeModel model, Gemm gemm, List<float[]> vectors) {
    return measure(model, gemm, vectors, (vector, latents, count) -> { });
  }

  /** As {@link #measure(SaeModel, Gemm, List)}, also handing each vector's code to {@code codes}. */
  static Result measure(SaeModel model, Gemm gemm, List<float[]> vectors, CodeSink codes) {
    int d = model.inputDim();
    int n = model.latentDim();
    int batch = 256;
    SaeModel.Scorer scorer = model.scorer(gemm, batch);
    TrainingStats stats = new TrainingStats(d, n);
    double[] mean = new double[n];
    double[] firing = new double[n];
    float[] x = new float[batch * d];
    float[] xhat = new float[d];
    int[] idx = new int[n];
    float[] val = new float[n];
    for (int start = 0; start < vectors.size(); start += batch) {
      int rows = Math.min(batch, vectors.size() - start);
      for (int b = 0; b < rows; b++) {
        System.arraycopy(vectors.get(start + b), 0, x, b * d, d);
      }
      scorer.score(x, rows);
      for (int b = 0; b < rows; b++) {
        stats.addSample(x, b * d, scorer.squaredError(b));
        scorer.reconstruction(b, xhat);
        stats.addReconstructionRow(x, b * d, xhat, 0);
        int m = scorer.code(b, idx, val);
        codes.accept(start + b, idx, m);
        stats.addCode(idx, val, m);
        for (int t = 0; t < m; t++) {
          mean[idx[t]] += val[t];
          firing[idx[t]]++;
        }
      }
    }
    int count = Math.max(vectors.size(), 1);
    for (int j = 0; j < n; j++) {
      mean[j] /= count;
      firing[j] /= count;
    }
    return new Result(stats, mean, firing);
  }
}
