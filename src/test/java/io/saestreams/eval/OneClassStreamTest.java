package io.saestreams.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.saestreams.data.DataFileException;
import io.saestreams.data.LabelledVector;
import io.saestreams.data.SyntheticConfig;
import io.saestreams.data.SyntheticDictionary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OneClassStreamTest {
  /** Where Debian's dataset-fashion-mnist package installs the files. */
  static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  @TempDir Path dir;

  /** Labels 0..4 repeating: train has 100 records (20 per class), test 60 (12 per class). */
  private Path smallIdx(boolean gzip) throws IOException {
    int[] train = new int[100];
    for (int i = 0; i < train.length; i++) {
      train[i] = i % 5;
    }
    int[] test = new int[60];
    for (int i = 0; i < test.length; i++) {
      test[i] = i % 5;
    }
    IdxFiles.write(dir, "train", train, gzip);
    IdxFiles.write(dir, "t10k", test, gzip);
    return dir;
  }

  private static List<String> ids(List<LabelledVector> records) {
    return records.stream().map(LabelledVector::id).toList();
  }

  @Test
  void idxPhasesLabelsAndFraction() throws IOException {
    OneClassStream s = OneClassStream.idx(smallIdx(false), 2, 3, 0.2, 17);
    assertThat(s.dimension()).isEqualTo(4);
    assertThat(s.warmup()).hasSize(3 * 20);
    assertThat(s.warmup()).allSatisfy(v -> {
      assertThat(v.label()).isEqualTo(2);
      assertThat(v.anomaly()).isFalse();
      assertThat(v.values()[1]).isEqualTo(2 / 255f); // scaled as IdxReader does
    });
    assertThat(new HashSet<>(ids(s.warmup()))).hasSize(60); // unique across passes
    assertThat(ids(s.warmup()).subList(20, 40)).allSatisfy(id -> assertThat(id).endsWith("-p2"));
    // each pass holds every normal training image once
    for (int p = 0; p < 3; p++) {
      Set<Float> firstPixels = new HashSet<>();
      s.warmup().subList(20 * p, 20 * (p + 1)).forEach(v -> firstPixels.add(v.values()[0]));
      assertThat(firstPixels).hasSize(20);
    }

    // 12 normal test images; round(0.2 * 12 / 0.8) = 3 anomalies
    assertThat(s.evaluation()).hasSize(15);
    assertThat(s.evaluationAnomalies()).isEqualTo(3);
    assertThat(s.evaluationAnomalyFraction()).isCloseTo(0.2, within(1e-12));
    for (LabelledVector v : s.evaluation()) {
      assertThat(v.id()).startsWith("t10k-images-idx3-ubyte-");
      if (v.anomaly()) {
        assertThat(v.label()).isNotEqualTo(2);
      } else {
        assertThat(v.label()).isEqualTo(2);
      }
    }
    assertThat(new HashSet<>(ids(s.evaluation()))).hasSize(15);
    assertThat(s.description()).contains("normal class 2", "3 pass(es)", "12 normal + 3 anomalous");
  }

  @Test
  void idxIsDeterministicBySeedAndAcceptsTheTrainingFileAndGzip() throws IOException {
    Path plain = smallIdx(false);
    OneClassStream a = OneClassStream.idx(plain, 1, 2, 0.3, 5);
    OneClassStream b = OneClassStream.idx(plain.resolve("train-images-idx3-ubyte"), 1, 2, 0.3, 5);
    assertThat(b.records()).isEqualTo(a.records());
    OneClassStream c = OneClassStream.idx(plain, 1, 2, 0.3, 6);
    assertThat(ids(c.evaluation())).isNotEqualTo(ids(a.evaluation()));
    assertThat(new HashSet<>(ids(c.warmup()))).isEqualTo(new HashSet<>(ids(a.warmup())));

    Path gz = Files.createDirectory(dir.resolve("gz"));
    int[] train = {0, 1, 0, 1, 0, 1};
    IdxFiles.write(gz, "train", train, true);
    IdxFiles.write(gz, "t10k", new int[] {1, 0, 1, 0}, true);
    OneClassStream g = OneClassStream.idx(gz, 0, 7);
    assertThat(g.warmup()).hasSize(3);
    assertThat(g.evaluation()).hasSize(2); // round(0.1 * 2 / 0.9) = 0 anomalies
    assertThat(g.evaluationAnomalies()).isZero();
  }

  @Test
  void idxRejectsBadArguments() throws IOException {
    Path d = smallIdx(false);
    assertThatThrownBy(() -> OneClassStream.idx(d, -1, 1, 0.1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("normalClass must be >= 0, got -1");
    assertThatThrownBy(() -> OneClassStream.idx(d, 0, 0, 0.1, 0))
        .hasMessageContaining("passes must be >= 1, got 0");
    assertThatThrownBy(() -> OneClassStream.idx(d, 0, 1, 1.0, 0))
        .hasMessageContaining("anomalyFraction must be in [0, 1), got 1.0");
    assertThatThrownBy(() -> OneClassStream.idx(d, 7, 1, 0.1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("normalClass 7 does not occur in the training labels")
        .hasMessageContaining("[0, 1, 2, 3, 4]");
    // 12 normal images, 48 others: 0.9 would need 108
    assertThatThrownBy(() -> OneClassStream.idx(d, 0, 1, 0.9, 0))
        .hasMessageContaining("needs 108 anomalies")
        .hasMessageContaining("only 48 images of other classes");
    assertThatThrownBy(() -> OneClassStream.idx(dir.resolve("nope"), 0, 1, 0.1, 0))
        .isInstanceOf(DataFileException.class).hasMessageContaining("does not exist");

    Path noTest = Files.createDirectory(dir.resolve("no-test"));
    IdxFiles.write(noTest, "train", new int[] {0, 1}, false);
    assertThatThrownBy(() -> OneClassStream.idx(noTest, 0, 1, 0.1, 0))
        .isInstanceOf(DataFileException.class)
        .hasMessageContaining("no t10k-images-idx3-ubyte file");
    Path noLabels = Files.createDirectory(dir.resolve("no-labels"));
    IdxFiles.write(noLabels, "train", new int[] {0, 1}, false);
    IdxFiles.write(noLabels, "t10k", new int[] {0, 1}, false);
    Files.delete(noLabels.resolve("train-labels-idx1-ubyte"));
    assertThatThrownBy(() -> OneClassStream.idx(noLabels, 0, 1, 0.1, 0))
        .isInstanceOf(DataFileException.class)
        .hasMessageContaining("no labels file beside it");
  }

  @Test
  void fashionMnistOneClass() {
    assumeTrue(Files.isDirectory(FASHION_MNIST), "Fashion-MNIST is not installed at "
        + FASHION_MNIST + " (Debian package dataset-fashion-mnist)");
    OneClassStream s = OneClassStream.idx(FASHION_MNIST, 3, 1, 0.1, 1);
    assertThat(s.dimension()).isEqualTo(784);
    assertThat(s.warmup()).hasSize(6000).allSatisfy(v -> {
      assertThat(v.label()).isEqualTo(3);
      assertThat(v.anomaly()).isFalse();
    });
    // 1000 test images per class; round(0.1 * 1000 / 0.9) = 111 anomalies
    assertThat(s.evaluation()).hasSize(1111);
    assertThat(s.evaluationAnomalies()).isEqualTo(111);
    for (LabelledVector v : s.evaluation()) {
      assertThat(v.anomaly()).isEqualTo(v.label() != 3);
      for (float x : v.values()) {
        assertThat(x).isBetween(0f, 1f);
      }
    }
  }

  @Test
  void csvSplitsByPosition() throws IOException {
    StringBuilder csv = new StringBuilder("id,x1,x2,anomaly\n");
    for (int i = 0; i < 30; i++) {
      boolean anomaly = i == 3 || i % 7 == 6;
      csv.append("r").append(i).append(',').append(i).append(',').append(-i).append(',')
          .append(anomaly ? 1 : 0).append('\n');
    }
    Path file = Files.writeString(dir.resolve("data.csv"), csv);
    OneClassStream s = OneClassStream.csv(file, 10);
    assertThat(s.dimension()).isEqualTo(2);
    assertThat(ids(s.warmup())).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
        "r8", "r9");
    assertThat(s.evaluation()).hasSize(20);
    assertThat(s.evaluation().get(0).id()).isEqualTo("r10");
    assertThat(s.warmupNormals()).hasSize(8); // r3 and r6 are anomalies
    assertThat(s.warmupNormals()).noneMatch(v -> v[0] == 3f || v[0] == 6f);
    assertThat(s.evaluationAnomalies()).isEqualTo(3); // 13, 20, 27
    List<EvalRecord> records = s.records();
    assertThat(records).hasSize(30);
    assertThat(s.size()).isEqualTo(30);
    assertThat(records.get(9).warmup()).isTrue();
    assertThat(records.get(10).warmup()).isFalse();
    assertThat(records.get(10).vector().id()).isEqualTo("r10");
    assertThat(OneClassStream.csv(file, 10).records()).isEqualTo(records);
  }

  @Test
  void csvRejectsBadArguments() throws IOException {
    Path noColumn = Files.writeString(dir.resolve("plain.csv"), "a,b\n1,2\n3,4\n");
    assertThatThrownBy(() -> OneClassStream.csv(noColumn, 1))
        .isInstanceOf(DataFileException.class)
        .hasMessageContaining("no anomaly column 'anomaly' in the header; the columns are [a, b]");
    Path headerless = Files.writeString(dir.resolve("numbers.csv"), "1,2\n3,4\n");
    assertThatThrownBy(() -> OneClassStream.csv(headerless, 1))
        .hasMessageContaining("(the file has no header)");
    Path file = Files.writeString(dir.resolve("ok.csv"), "x,anomaly\n1,1\n2,0\n3,0\n");
    assertThatThrownBy(() -> OneClassStream.csv(file, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warmup must be >= 1, got 0");
    assertThatThrownBy(() -> OneClassStream.csv(file, 3))
        .hasMessageContaining("has 3 record(s), got warmup=3");
    assertThatThrownBy(() -> OneClassStream.csv(file, 1))
        .hasMessageContaining("are all labelled anomaly");
    assertThat(OneClassStream.csv(file, 2).evaluation()).hasSize(1);
  }

  @Test
  void syntheticWarmupIsNormalAndEvaluationHasTheConfiguredFraction() {
    SyntheticConfig config = SyntheticConfig.defaults(123).withDimension(16).withFeatures(24)
        .withMeanActive(3).withAnomalyFraction(0.1);
    OneClassStream s = OneClassStream.synthetic(config, 500, 4000);
    assertThat(s.dimension()).isEqualTo(16);
    assertThat(s.warmup()).hasSize(500).noneMatch(LabelledVector::anomaly);
    assertThat(s.warmupNormals()).hasSize(500);
    assertThat(s.evaluation()).hasSize(4000);
    assertThat(s.evaluationAnomalyFraction()).isCloseTo(0.1, within(0.02)); // 4 sigma
    Set<String> all = new HashSet<>(ids(s.warmup()));
    all.addAll(ids(s.evaluation()));
    assertThat(all).hasSize(4500);
    assertThat(OneClassStream.synthetic(config, 500, 4000).records()).isEqualTo(s.records());
    assertThat(OneClassStream.synthetic(config.withSeed(124), 500, 4000).warmup())
        .isNotEqualTo(s.warmup());
    // the warm-up phase is the anomaly-free stream of the same dictionary
    assertThat(s.warmup()).isEqualTo(
        new SyntheticDictionary(config.withAnomalyFraction(0)).stream(500).take(500));

    assertThatThrownBy(() -> OneClassStream.synthetic(config, 0, 10))
        .hasMessageContaining("warmup must be >= 1, got 0");
    assertThatThrownBy(() -> OneClassStream.synthetic(config, 10, 0))
        .hasMessageContaining("evaluation must be >= 1, got 0");
  }

  @Test
  void ofValidatesItsRecords() {
    LabelledVector normal = LabelledVector.of("a", new float[] {1, 2});
    LabelledVector anomaly = new LabelledVector("b", new float[] {3, 4}, true, -1);
    LabelledVector shorter = LabelledVector.of("c", new float[] {1});
    OneClassStream s = OneClassStream.of("test", List.of(normal, anomaly), List.of(anomaly));
    assertThat(s.warmupNormals()).containsExactly(normal.values());
    assertThat(s.records()).containsExactly(new EvalRecord(normal, true),
        new EvalRecord(anomaly, true), new EvalRecord(anomaly, false));
    assertThatThrownBy(() -> OneClassStream.of("x", List.of(anomaly), List.of()))
        .hasMessageContaining("warmup must contain at least one normal record");
    assertThatThrownBy(() -> OneClassStream.of("x", List.of(normal), List.of(shorter)))
        .hasMessageContaining("evaluation[0] ('c') has dimension 1, expected 2");
    assertThatThrownBy(() -> s.records().get(3)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
