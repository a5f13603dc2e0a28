package io.saestreams.cli;

import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.report.BarChart;
import io.saestreams.report.FeatureTiles;
import io.saestreams.report.LineChart;
import io.saestreams.report.Reconstructions;
import io.saestreams.report.Series;
import io.saestreams.report.Shapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The demo's pictures, written as PNG files into one folder. */
final class DemoPictures {
  static final String FEATURES = "features.png";
  static final String RECONSTRUCTIONS = "reconstructions.png";
  static final String MEAN_ACTIVATION = "mean-activation.png";
  static final String ERROR_OVER_TIME = "error-over-time.png";

  private DemoPictures() {}

  /**
   * @param heldOut inputs to reconstruct (the first eight are drawn)
   * @param quality the model measured on {@code heldOut}
   * @param errors reconstruction errors in the order the scores arrived
   */
  static void write(Path dir, SaeModel model, List<float[]> heldOut, ModelQuality.Result quality,
      double[] errors) throws IOException {
    Files.createDirectories(dir);
    int d = model.inputDim();
    Shapes.Shape shape = Shapes.squareish(d);
    // the most used latents' decoder directions
    int n = model.latentDim();
    Integer[] order = new Integer[n];
    for (int j = 0; j < n; j++) {
      order[j] = j;
    }
    double[] freq = quality.firingFrequency();
    java.util.Arrays.sort(order, (a, b) -> Double.compare(freq[b], freq[a]));
    int tiles = Math.min(64, n);
    float[][] features = new float[tiles][d];
    for (int t = 0; t < tiles; t++) {
      System.arraycopy(model.parameters().wDec, order[t] * d, features[t], 0, d);
    }
    FeatureTiles.write(dir.resolve(FEATURES), features, shape.rows(), shape.cols(), tiles);

    int pairs = Math.min(8, heldOut.size());
    if (pairs > 0) {
      float[][] originals = new float[pairs][];
      float[][] recon = new float[pairs][d];
      SaeModel.Scorer scorer = model.scorer(Gemms.create("auto"), pairs);
      float[] x = new float[pairs * d];
      for (int b = 0; b < pairs; b++) {
        originals[b] = heldOut.get(b);
        System.arraycopy(originals[b], 0, x, b * d, d);
      }
      scorer.score(x, pairs);
      for (int b = 0; b < pairs; b++) {
        scorer.reconstruction(b, recon[b]);
      }
      Reconstructions.write(dir.resolve(RECONSTRUCTIONS), originals, recon, shape.rows(),
          shape.cols());
    }
    BarChart.write(dir.resolve(MEAN_ACTIVATION), quality.meanActivation(),
        "Mean activation per latent (held-out data)", Double.NaN);
    if (errors.length > 0) {
      LineChart.write(dir.resolve(ERROR_OVER_TIME), "Reconstruction error over the stream",
          List.of(Series.of("error (moving mean of " + window(errors.length) + ")",
              movingMean(errors, window(errors.length)))));
    }
  }

  private static int window(int length) {
    return Math.max(1, Math.min(500, length / 50));
  }

  static double[] movingMean(double[] x, int window) {
    int m = (x.length + window - 1) / window;
    double[] out = new double[m];
    for (int i = 0; i < m; i++) {
      double s = 0;
      int from = i * window;
      int to = Math.min(x.length, from + window);
      for (int j = from; j < to; j++) {
        s += x[j];
      }
      out[i] = s / (to - from);
    }
    return out;
  }
}
