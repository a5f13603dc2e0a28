package io.saestreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.saestreams.model.Activation;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeModel;
import io.saestreams.model.Sparsity;
import io.saestreams.model.linalg.NaiveGemm;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A published BatchTopK model scores like a JumpReLU with its learned threshold: each sample on
 * its own, so a batch's codes and errors equal those of its rows scored one at a time.
 */
class BatchIndependentScoringTest {
  private static final int D = 16;
  private static final int N = 48;
  private static final int BATCH = 32;
  private static final float VALUE_TOL = 1e-5f;

  static Stream<Arguments> models() {
    SaeConfig.Builder b = SaeConfig.builder(D, N).activation(Activation.BATCH_TOPK).k(3)
        .sparsity(Sparsity.NONE);
    return Stream.of(
        Arguments.of("batch-topk", b.build()),
        Arguments.of("matryoshka batch-topk",
            b.matryoshkaPrefixes(List.of(8, 24)).auxKCoefficient(1f / 32).auxK(8).build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aBatchScoresLikeItsRowsOneAtATime(String name, SaeConfig model) {
    OnlineTrainer trainer =
        new OnlineTrainer(TrainerConfig.defaults(model).withBatchSize(BATCH).withSeed(5),
            new NaiveGemm());
    TinyDictionary data = new TinyDictionary(D, 24, 3, 9);
    for (int i = 0; i < 200; i++) {
      trainer.trainBatch(data.batch(BATCH), BATCH);
    }
    assertThat(trainer.parameters().inferenceThreshold).isGreaterThan(0f);
    SaeModel published =
        SaeModel.fromBytes(SaeModel.of(model, trainer.parameters(), 1).toBytes());

    int rows = 20;
    float[] x = data.batch(rows);
    SaeModel.Scorer batch = published.scorer(new NaiveGemm(), rows);
    SaeModel.Scorer single = published.scorer(new NaiveGemm(), 1);
    batch.score(x, rows);
    int[] bi = new int[N];
    float[] bv = new float[N];
    int[] si = new int[N];
    float[] sv = new float[N];
    float[] one = new float[D];
    long active = 0;
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x, r * D, one, 0, D);
      single.score(one, 1);
      int m = batch.code(r, bi, bv);
      assertThat(single.code(0, si, sv)).as("row %d: active latents", r).isEqualTo(m);
      for (int t = 0; t < m; t++) {
        assertThat(si[t]).isEqualTo(bi[t]);
        assertThat(sv[t]).isCloseTo(bv[t], within(VALUE_TOL));
        assertThat(bv[t]).isGreaterThanOrEqualTo(published.parameters().inferenceThreshold);
      }
      assertThat(single.squaredError(0)).isCloseTo(batch.squaredError(r), within(VALUE_TOL));
      active += m;
    }
    assertThat(active).as("some latents fire").isPositive();
  }
}
