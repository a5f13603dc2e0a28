package io.saestreams.model.linalg;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.model.Activation;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeEngine;
import io.saestreams.model.SaeModel;
import io.saestreams.model.SaeParameters;
import io.saestreams.model.Sparsity;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A model's scorer hands its weights to the GEMM as constant operands, so the bundled OpenBLAS
 * copies them off-heap once per scorer rather than once per batch, and scores bit for bit as an
 * engine that copies them every time.
 */
class ResidentWeightsScoringTest {
  private static final int D = 40;
  private static final int N = 24;
  private static final int ROWS = 7;
  private static final int BATCHES = 5;

  @ParameterizedTest
  @EnumSource(value = Activation.class, names = {"TOPK", "RELU"})
  void aScorerCopiesItsWeightsOnceAndScoresAsTheEngine(Activation activation) {
    GemmTest.assumeLoadable("openblas-bundled");
    Gemm gemm = Gemms.create("openblas-bundled");
    SaeConfig.Builder b = SaeConfig.builder(D, N).activation(activation).sparsity(Sparsity.NONE);
    SaeConfig cfg = (activation == Activation.TOPK ? b.k(4) : b).build();
    SaeParameters p = new SaeParameters(D, N);
    Random r = new Random(11);
    for (float[] t : p.tensors()) {
      for (int i = 0; i < t.length; i++) {
        t[i] = (float) (0.3 * r.nextGaussian());
      }
    }
    SaeModel model = SaeModel.of(cfg, p, 3);
    SaeModel.Scorer scorer = model.scorer(gemm, ROWS);
    SaeEngine reference = new SaeEngine(cfg, gemm, ROWS);
    long scorerCopies = 0;
    long referenceCopies = 0;
    for (int batch = 0; batch < BATCHES; batch++) {
      float[] x = GemmTest.randomArray(r, ROWS * D);
      long before = BundledGemm.operandBCopies();
      scorer.score(x, ROWS);
      scorerCopies += BundledGemm.operandBCopies() - before;
      before = BundledGemm.operandBCopies();
      reference.forward(model.parameters(), x, x, ROWS, false);
      referenceCopies += BundledGemm.operandBCopies() - before;
      for (int row = 0; row < ROWS; row++) {
        assertThat(Float.floatToRawIntBits(scorer.squaredError(row)))
            .as("batch %d row %d", batch, row)
            .isEqualTo(Float.floatToRawIntBits(reference.rowError(row)));
      }
    }
    // per batch the decoder bias (a rank-one update) is copied; the weight matrices only once
    int weightProducts = activation == Activation.TOPK ? 1 : 2; // TopK decodes sparsely
    assertThat(referenceCopies).isEqualTo((long) BATCHES * (1 + weightProducts));
    assertThat(scorerCopies).isEqualTo(BATCHES + weightProducts);
  }
}
