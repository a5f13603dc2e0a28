package io.saestreams.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.saestreams.model.linalg.NaiveGemm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The normalisation is applied outside the differentiated function, so instead of a gradient
 * check: the running statistics against naive ones, the inverse mapping, and scoring in the
 * input's units.
 */
class InputNormaliserTest {
  private static final int D = 12;
  private static final double TOL = 1e-5;

  private static float[] data(int rows, long seed) {
    Random r = new Random(seed);
    float[] x = new float[rows * D];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (300 + 40 * r.nextGaussian() + (i % D));
    }
    return x;
  }

  @Test
  void oneBatchGivesTheSampleMeanAndUnitRootDNorm() {
    int rows = 50;
    float[] x = data(rows, 1);
    InputNormaliser n = new InputNormaliser(D);
    n.update(x, rows);
    double[] mean = new double[D];
    for (int b = 0; b < rows; b++) {
      for (int i = 0; i < D; i++) {
        mean[i] += x[b * D + i] / (double) rows;
      }
    }
    for (int i = 0; i < D; i++) {
      assertThat((double) n.mean()[i]).isCloseTo(mean[i], within(1e-3));
    }
    float[] out = new float[rows * D];
    n.normalise(x, rows, out);
    double meanNorm = 0;
    for (int b = 0; b < rows; b++) {
      double s = 0;
      for (int i = 0; i < D; i++) {
        s += (double) out[b * D + i] * out[b * D + i];
      }
      meanNorm += Math.sqrt(s) / rows;
    }
    assertThat(meanNorm).isCloseTo(Math.sqrt(D), within(1e-3));
  }

  @Test
  void runningEstimatesOverBatchesMatchTheirDefinition() {
    InputNormaliser n = new InputNormaliser(D);
    double[] sum = new double[D];
    double sumNorm = 0;
    long count = 0;
    for (int batch = 0; batch < 5; batch++) {
      int rows = 3 + batch;
      float[] x = data(rows, 10 + batch);
      n.update(x, rows);
      for (int b = 0; b < rows; b++) {
        for (int i = 0; i < D; i++) {
          sum[i] += x[b * D + i];
        }
      }
      count += rows;
      for (int b = 0; b < rows; b++) {
        double s = 0;
        for (int i = 0; i < D; i++) {
          double v = x[b * D + i] - (float) (sum[i] / count);
          s += v * v;
        }
        sumNorm += Math.sqrt(s);
      }
    }
    assertThat(n.count()).isEqualTo(count);
    assertThat((double) n.scale()).isCloseTo(Math.sqrt(D) * count / sumNorm, within(1e-7));
  }

  @Test
  void denormaliseInvertsNormaliseAndErrorsMapToInputUnits() {
    int rows = 20;
    float[] x = data(rows, 2);
    InputNormaliser n = new InputNormaliser(D);
    n.update(x, rows);
    float[] xn = new float[rows * D];
    n.normalise(x, rows, xn);
    float[] back = new float[D];
    for (int b = 0; b < rows; b++) {
      n.denormalise(xn, b * D, back);
      for (int i = 0; i < D; i++) {
        assertThat((double) back[i]).isCloseTo(x[b * D + i], within(1e-6 * 400));
      }
    }
    // ‖a − b‖² in input units = ‖a′ − b′‖²/s²
    double dn = 0;
    double dx = 0;
    for (int i = 0; i < D; i++) {
      double v = xn[i] - xn[D + i];
      dn += v * v;
      double u = x[i] - x[D + i];
      dx += u * u;
    }
    assertThat(n.toInputUnits(dn)).isCloseTo(dx, within(1e-4 * dx));
  }

  /**
   * Replicas that start from the same statistics and each add their own samples merge into
   * statistics with every sample counted once: the count and Σx of one normaliser that saw them
   * all, and a scale built from the replicas' own Σ‖x − μ‖ terms.
   */
  @Test
  void mergingReplicasCountsEverySampleOnceAndKeepsTheMean() {
    InputNormaliser previous = new InputNormaliser(D);
    previous.update(data(7, 1), 7);
    InputNormaliser all = previous.copy();
    java.util.List<InputNormaliser> replicas = new java.util.ArrayList<>();
    double sumNorms = 0;
    for (int r = 0; r < 3; r++) {
      InputNormaliser replica = previous.copy();
      float[] x = data(4 + r, 10 + r);
      replica.update(x, 4 + r);
      all.update(x, 4 + r);
      replicas.add(replica);
      sumNorms += Math.sqrt(D) * replica.count() / replica.scale(); // = Σ‖x − μ‖ of the replica
    }
    InputNormaliser merged = InputNormaliser.merge(previous, replicas);
    assertThat(merged.count()).isEqualTo(all.count()).isEqualTo(7 + 4 + 5 + 6);
    for (int i = 0; i < D; i++) {
      assertThat((double) merged.mean()[i]).isCloseTo(all.mean()[i], within(1e-3));
    }
    double previousNorms = Math.sqrt(D) * previous.count() / previous.scale();
    double expectedNorms = sumNorms - 2 * previousNorms; // previous counted once, not three times
    assertThat((double) merged.scale())
        .isCloseTo(Math.sqrt(D) * merged.count() / expectedNorms, within(1e-6));
    // the same list in the same order gives the same bits; the inputs are not modified
    assertThat(InputNormaliser.merge(previous, replicas)).isEqualTo(merged);
    assertThat(previous.count()).isEqualTo(7);
    // a replica that does not continue the previous statistics is refused
    assertThatThrownBy(() -> InputNormaliser.merge(all, replicas))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not continue");
    assertThatThrownBy(() -> InputNormaliser.merge(previous, java.util.List.of(new InputNormaliser(D + 1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("d=" + (D + 1));
    assertThat(InputNormaliser.fromBytes(merged.toBytes())).isEqualTo(merged);
  }

  /**
   * A replica's statistics moved onto a merge it takes late: the merge plus what the replica added
   * since its anchor. With the merge equal to the anchor's previous merge this is {@link
   * InputNormaliser#merge} of the one replica.
   */
  @Test
  void rebaseKeepsTheSamplesAddedSinceTheAnchorOnTopOfTheMerge() {
    InputNormaliser anchor = new InputNormaliser(D);
    anchor.update(data(6, 1), 6);
    InputNormaliser own = anchor.copy();
    own.update(data(5, 2), 5);
    InputNormaliser merged = anchor.copy();
    merged.update(data(9, 3), 9);

    InputNormaliser moved = own.rebase(anchor, merged);
    assertThat(moved.count()).isEqualTo(9 + 6 + 5);
    InputNormaliser all = merged.copy();
    all.update(data(5, 2), 5);
    for (int i = 0; i < D; i++) {
      assertThat((double) moved.mean()[i]).isCloseTo(all.mean()[i], within(1e-5));
    }
    double norms = Math.sqrt(D) * merged.count() / merged.scale()
        + Math.sqrt(D) * own.count() / own.scale() - Math.sqrt(D) * anchor.count() / anchor.scale();
    assertThat((double) moved.scale()).isCloseTo(Math.sqrt(D) * moved.count() / norms, within(1e-4));
    assertThat(own.count()).as("not modified").isEqualTo(11);
    assertThat(own.rebase(anchor, anchor)).isEqualTo(InputNormaliser.merge(anchor, java.util.List.of(own)));
    assertThatThrownBy(() -> anchor.rebase(own, merged))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not continue");
    assertThatThrownBy(() -> own.rebase(anchor, new InputNormaliser(D + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void roundTripsThroughBytes() throws Exception {
    InputNormaliser n = new InputNormaliser(D);
    n.update(data(9, 3), 9);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    n.write(new DataOutputStream(bytes));
    InputNormaliser m =
        InputNormaliser.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertThat(m).isEqualTo(n);
    assertThat(m.copy()).isEqualTo(n);
    assertThatThrownBy(() -> new InputNormaliser(0)).hasMessageContaining(">= 1, got 0");
  }

  @Test
  void aModelScoresInTheInputsUnitsAndRoundTripsInFormat2() {
    SaeConfig cfg = SaeConfig.builder(D, 8).activation(Activation.TOPK).k(3)
        .sparsity(Sparsity.NONE).build();
    SaeParameters p = new SaeParameters(D, 8);
    Random r = new Random(4);
    for (float[] t : p.tensors()) {
      for (int i = 0; i < t.length; i++) {
        t[i] = (float) (0.3 * r.nextGaussian());
      }
    }
    int rows = 6;
    float[] x = data(rows, 5);
    InputNormaliser norm = new InputNormaliser(D);
    norm.update(x, rows);
    SaeModel model = SaeModel.of(cfg, p, 7, norm);
    byte[] bytes = model.toBytes();
    assertThat(java.nio.ByteBuffer.wrap(bytes, 4, 4).getInt()).isEqualTo(2);
    SaeModel read = SaeModel.fromBytes(bytes);
    assertThat(read.normaliser()).isEqualTo(norm);
    assertThat(read.toBytes()).isEqualTo(bytes);

    SaeModel.Scorer s = read.scorer(new NaiveGemm(), rows);
    s.score(x, rows);
    // reference: the plain model on normalised inputs, mapped back
    float[] xn = new float[rows * D];
    norm.normalise(x, rows, xn);
    SaeModel.Scorer plain = SaeModel.of(cfg, p, 7).scorer(new NaiveGemm(), rows);
    plain.score(xn, rows);
    float[] rec = new float[D];
    float[] recN = new float[D];
    for (int b = 0; b < rows; b++) {
      s.reconstruction(b, rec);
      plain.reconstruction(b, recN);
      double err = 0;
      for (int i = 0; i < D; i++) {
        double expected = recN[i] / norm.scale() + norm.mean()[i];
        assertThat((double) rec[i]).isCloseTo(expected, within(1e-4));
        double e = rec[i] - x[b * D + i];
        err += e * e;
      }
      assertThat((double) s.squaredError(b)).isCloseTo(err, within(1e-3 * err + 1e-3));
      int[] i1 = new int[8];
      int[] i2 = new int[8];
      float[] v1 = new float[8];
      float[] v2 = new float[8];
      assertThat(s.code(b, i1, v1)).isEqualTo(plain.code(b, i2, v2));
      assertThat(i1).isEqualTo(i2);
    }
  }

  @Test
  void aModelWithoutNormalisationIsWrittenInFormat1AsBefore() throws Exception {
    byte[] fixture;
    try (InputStream in = getClass().getResourceAsStream("/models/v1-topk.saem")) {
      assertThat(in).as("fixture present").isNotNull();
      fixture = in.readAllBytes();
    }
    SaeModel m = SaeModel.fromBytes(fixture);
    assertThat(m.normaliser()).isNull();
    assertThat(m.version()).isEqualTo(3);
    assertThat(m.toBytes()).isEqualTo(fixture);
  }
}
