package io.saestreams.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.saestreams.data.LabelledVector;
import io.saestreams.data.SyntheticConfig;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The three building blocks together: a stream, the PCA baseline fitted on it, the metrics. */
class EvalPipelineTest {

  private static BinaryMetrics evaluate(OneClassStream stream, int k, double farBudget) {
    PcaBaseline pca = PcaBaseline.fit(stream.warmupNormals(), k);
    BinaryMetrics scoreOnly = metrics(stream, pca, Double.POSITIVE_INFINITY);
    double threshold = scoreOnly.operatingPointAtFalseAlarmRate(farBudget).orElseThrow().threshold();
    return metrics(stream, pca, threshold);
  }

  private static BinaryMetrics metrics(OneClassStream stream, PcaBaseline pca, double threshold) {
    BinaryMetrics.Builder builder = BinaryMetrics.builder();
    for (LabelledVector v : stream.evaluation()) {
      double score = pca.score(v.values());
      builder.add(score, v.anomaly(), score >= threshold);
    }
    return builder.build();
  }

  @Test
  void pcaSeparatesSyntheticAnomalies() {
    // 12 atoms in 48 dimensions: normal samples live in a 12-dimensional subspace
    SyntheticConfig config = SyntheticConfig.defaults(9).withDimension(48).withFeatures(12)
        .withMeanActive(3).withAnomalyFraction(0.1);
    OneClassStream stream = OneClassStream.synthetic(config, 2000, 2000);
    BinaryMetrics m = evaluate(stream, 12, 0.01);
    System.out.println("synthetic PCA baseline: " + m);
    assertThat(m.aucRoc().getAsDouble()).isGreaterThan(0.99);
    // flagging at the score's own operating point reproduces its recall
    assertThat(m.recall().getAsDouble())
        .isEqualTo(m.recallAtFalseAlarmRate(0.01).getAsDouble());
    assertThat(m.falseAlarmRate().getAsDouble()).isLessThanOrEqualTo(0.01);
  }

  @Test
  void pcaOnFashionMnist() {
    assumeTrue(Files.isDirectory(OneClassStreamTest.FASHION_MNIST),
        "Fashion-MNIST is not installed at " + OneClassStreamTest.FASHION_MNIST);
    OneClassStream stream = OneClassStream.idx(OneClassStreamTest.FASHION_MNIST, 0, 1, 0.1, 1);
    BinaryMetrics m = evaluate(stream, 30, 0.05);
    System.out.println("Fashion-MNIST class 0, PCA k=30: " + m + ", recall at FAR 0.05 = "
        + m.recallAtFalseAlarmRate(0.05).getAsDouble());
    assertThat(m.aucRoc().getAsDouble()).isGreaterThan(0.6);
  }
}
