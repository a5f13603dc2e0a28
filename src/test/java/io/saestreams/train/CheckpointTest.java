package io.saestreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.saestreams.model.Activation;
import io.saestreams.model.Noise;
import io.saestreams.model.OptimizerConfig;
import io.saestreams.model.OptimizerKind;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeParameters;
import io.saestreams.model.Sparsity;
import io.saestreams.model.linalg.NaiveGemm;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckpointTest {
  private static final int D = 16;
  private static final int N = 32;
  private static final int BATCH = 8;

  static Stream<Arguments> configs() {
    SaeConfig kl = SaeConfig.builder(D, N).activation(Activation.SIGMOID).sparsity(Sparsity.KL)
        .noise(Noise.GAUSSIAN).noiseLevel(0.05f).build();
    SaeConfig topk = SaeConfig.builder(D, N).activation(Activation.TOPK).k(3)
        .sparsity(Sparsity.NONE).noise(Noise.MASK).noiseLevel(0.2f).auxKCoefficient(0.1f)
        .auxK(4).build();
    SaeConfig batchTopK = SaeConfig.builder(D, N).activation(Activation.BATCH_TOPK).k(3).build();
    SaeConfig jump = SaeConfig.builder(D, N).activation(Activation.JUMPRELU).build();
    return Stream.of(
        Arguments.of("sigmoid kl adam, gaussian noise", TrainerConfig.defaults(kl)
            .withBatchSize(BATCH).withOptimizer(OptimizerConfig.adam(1e-3f).withWarmup(5))),
        Arguments.of("topk auxk rmsprop, masking", TrainerConfig.defaults(topk)
            .withBatchSize(BATCH).withOptimizer(OptimizerConfig.of(OptimizerKind.RMSPROP, 1e-3f))
            .withRevival(Revival.AUXK, 3 * BATCH, 1)),
        Arguments.of("batch-topk momentum, reinit", TrainerConfig.defaults(batchTopK)
            .withBatchSize(BATCH).withOptimizer(OptimizerConfig.of(OptimizerKind.MOMENTUM, 1e-2f)
                .withClipNorm(0.5f)).withRevival(Revival.REINIT, 2 * BATCH, 2)),
        Arguments.of("jumprelu sgd", TrainerConfig.defaults(jump).withBatchSize(BATCH)
            .withOptimizer(OptimizerConfig.of(OptimizerKind.SGD, 1e-2f))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void resumeIsExact(String name, TrainerConfig cfg) {
    TinyDictionary a = new TinyDictionary(D, 24, 3, 5);
    TinyDictionary b = new TinyDictionary(D, 24, 3, 5);
    OnlineTrainer straight = new OnlineTrainer(cfg, new NaiveGemm());
    OnlineTrainer broken = new OnlineTrainer(cfg, new NaiveGemm());
    for (int i = 0; i < 7; i++) {
      straight.trainBatch(a.batch(BATCH), BATCH);
      broken.trainBatch(b.batch(BATCH), BATCH);
    }
    // a partial batch in the buffer travels with the checkpoint too
    float[] extra = a.batch(3);
    b.batch(3);
    for (int r = 0; r < 3; r++) {
      float[] row = java.util.Arrays.copyOfRange(extra, r * D, r * D + D);
      straight.accept(row);
      broken.accept(row);
    }
    byte[] bytes = broken.checkpoint();
    OnlineTrainer resumed = OnlineTrainer.restore(bytes, new NaiveGemm());
    for (int i = 0; i < 5; i++) {
      float[] x = a.batch(BATCH);
      b.batch(BATCH);
      for (int r = 0; r < BATCH; r++) {
        float[] row = java.util.Arrays.copyOfRange(x, r * D, r * D + D);
        straight.accept(row);
        resumed.accept(row);
      }
    }
    assertThat(resumed.steps()).isEqualTo(straight.steps());
    assertThat(resumed.samplesSeen()).isEqualTo(straight.samplesSeen());
    SaeParameters p = straight.parameters();
    SaeParameters q = resumed.parameters();
    for (int t = 0; t < p.tensors().length; t++) {
      assertThat(q.tensors()[t]).as(SaeParameters.TENSOR_NAMES[t]).isEqualTo(p.tensors()[t]);
    }
    assertThat(q.inferenceThreshold).isEqualTo(p.inferenceThreshold);
    assertThat(resumed.runningActivation()).isEqualTo(straight.runningActivation());
    assertThat(resumed.checkpoint()).isEqualTo(straight.checkpoint());
  }

  @Test
  void corruptOrForeignBytesAreRejectedClearly() {
    OnlineTrainer t = new OnlineTrainer(
        TrainerConfig.defaults(SaeConfig.builder(D, N).build()).withBatchSize(BATCH),
        new NaiveGemm());
    byte[] bytes = t.checkpoint();
    byte[] flipped = bytes.clone();
    flipped[bytes.length / 2] ^= 1;
    assertThatThrownBy(() -> OnlineTrainer.restore(flipped, new NaiveGemm()))
        .hasMessageContaining("CRC mismatch");
    byte[] future = bytes.clone();
    future[7] = 99;
    assertThatThrownBy(() -> OnlineTrainer.restore(future, new NaiveGemm()))
        .hasMessageContaining("format 99 is not supported");
    assertThatThrownBy(() -> OnlineTrainer.restore("hello world, not a checkpoint".getBytes(),
        new NaiveGemm())).hasMessageContaining("not a checkpoint");
    assertThatThrownBy(() -> OnlineTrainer.restore(java.util.Arrays.copyOf(bytes, 100),
        new NaiveGemm())).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * A checkpoint written by format 1 (release 0.1.0) is kept in the test resources; every later
   * release must still read it and find the same state.
   */
  @Test
  void readsTheFormat1Fixture() throws Exception {
    byte[] bytes;
    try (InputStream in = getClass().getResourceAsStream("/checkpoints/v1-relu-l1.ckpt")) {
      assertThat(in).as("fixture present").isNotNull();
      bytes = in.readAllBytes();
    }
    Properties expected = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/checkpoints/v1-relu-l1.properties")) {
      expected.load(in);
    }
    OnlineTrainer t = OnlineTrainer.restore(bytes, new NaiveGemm());
    assertThat(t.steps()).isEqualTo(Long.parseLong(expected.getProperty("steps")));
    assertThat(t.samplesSeen()).isEqualTo(Long.parseLong(expected.getProperty("samples")));
    assertThat(t.config().model().latentDim())
        .isEqualTo(Integer.parseInt(expected.getProperty("latent-dim")));
    assertThat(t.config().optimizer().kind().name()).isEqualTo(expected.getProperty("optimizer"));
    assertThat(Long.toHexString(parameterCrc(t.parameters())))
        .isEqualTo(expected.getProperty("parameters-crc32"));
    // and it keeps training
    TinyDictionary data = new TinyDictionary(t.config().model().inputDim(), 24, 3, 9);
    assertThat(t.trainBatch(data.batch(4), 4).skipped()).isFalse();
  }

  /**
   * A format-1 checkpoint of a TopK trainer with a partial batch, written by commit f2459bf (the
   * release before format 2): this release restores it and goes on training exactly as that
   * release did (parameter CRC after 5 more batches, taken with it), and writes format 2.
   */
  @Test
  void aFormat1CheckpointResumesAsTheOldReleaseDid() throws Exception {
    byte[] bytes;
    try (InputStream in = getClass().getResourceAsStream("/checkpoints/v1-topk-partial.ckpt")) {
      assertThat(in).as("fixture present").isNotNull();
      bytes = in.readAllBytes();
    }
    assertThat(java.nio.ByteBuffer.wrap(bytes, 4, 4).getInt()).isEqualTo(1);
    OnlineTrainer t = OnlineTrainer.restore(bytes, new NaiveGemm());
    assertThat(t.normaliser()).isNull();
    assertThat(t.buffered()).isEqualTo(3);
    assertThat(t.config().optimizer().schedule())
        .isEqualTo(io.saestreams.model.LrSchedule.CONSTANT);
    TinyDictionary data = new TinyDictionary(D, 24, 3, 8);
    for (int i = 0; i < 4; i++) {
      data.batch(BATCH);
    }
    data.batch(3);
    for (int i = 0; i < 5; i++) {
      float[] x = data.batch(BATCH);
      for (int r = 0; r < BATCH; r++) {
        t.accept(java.util.Arrays.copyOfRange(x, r * D, r * D + D));
      }
    }
    assertThat(t.steps()).isEqualTo(9);
    assertThat(Long.toHexString(parameterCrc(t.parameters()))).isEqualTo("69c01bc2");
    byte[] again = t.checkpoint();
    assertThat(java.nio.ByteBuffer.wrap(again, 4, 4).getInt()).isEqualTo(Checkpoints.FORMAT_VERSION);
    assertThat(OnlineTrainer.restore(again, new NaiveGemm()).checkpoint()).isEqualTo(again);
  }

  /** CRC-32 of every parameter's IEEE-754 bits, tensor by tensor, big-endian. */
  static long parameterCrc(SaeParameters p) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4);
    for (float[] t : p.tensors()) {
      for (float v : t) {
        buf.clear();
        buf.putInt(Float.floatToRawIntBits(v));
        crc.update(buf.array());
      }
    }
    return crc.getValue();
  }

  /** Writes the fixture; run once by hand when the format version is introduced. */
  public static void main(String[] args) throws Exception {
    SaeConfig model = SaeConfig.builder(D, N).build();
    TrainerConfig cfg = TrainerConfig.defaults(model).withBatchSize(BATCH).withSeed(2026);
    OnlineTrainer t = new OnlineTrainer(cfg, new NaiveGemm());
    TinyDictionary data = new TinyDictionary(D, 24, 3, 8);
    for (int i = 0; i < 3; i++) {
      t.trainBatch(data.batch(BATCH), BATCH);
    }
    Path dir = Path.of(args[0]);
    Files.write(dir.resolve("v1-relu-l1.ckpt"), t.checkpoint());
    Properties p = new Properties();
    p.setProperty("steps", Long.toString(t.steps()));
    p.setProperty("samples", Long.toString(t.samplesSeen()));
    p.setProperty("latent-dim", Integer.toString(N));
    p.setProperty("optimizer", cfg.optimizer().kind().name());
    p.setProperty("parameters-crc32", Long.toHexString(parameterCrc(t.parameters())));
    try (var out = Files.newOutputStream(dir.resolve("v1-relu-l1.properties"))) {
      p.store(out, "checkpoint format 1 fixture written by release 0.1.0");
    }
  }
}
