package io.saestreams.stream.modelstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.model.SaeConfig;
import io.saestreams.model.SaeModel;
import io.saestreams.model.linalg.Gemms;
import io.saestreams.train.OnlineTrainer;
import io.saestreams.train.TrainerConfig;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ChunksAndInitialModelTest {
  @ParameterizedTest
  @CsvSource({"0,5", "1,5", "5,5", "6,5", "1000,7"})
  void splitBoundsEveryChunkAndJoinRestoresTheBytes(int length, int max) {
    byte[] b = new byte[length];
    new Random(length).nextBytes(b);
    List<byte[]> parts = Chunks.split(b, max);
    assertThat(parts).hasSize(Math.max(1, (length + max - 1) / max));
    assertThat(parts).allSatisfy(p -> assertThat(p.length).isLessThanOrEqualTo(max));
    assertThat(Chunks.join(parts)).isEqualTo(b);
    CRC32 crc = new CRC32();
    crc.update(b);
    assertThat(Chunks.crc32(b)).isEqualTo(crc.getValue());
  }

  @Test
  void initialModelIsTheFreshTrainersModelAtVersionZero() {
    TrainerConfig cfg = TrainerConfig.defaults(SaeConfig.builder(7, 12).build()).withBatchSize(32).withSeed(5);
    SaeModel initial = InitialModel.of(cfg);
    SaeModel fresh = SaeModel.of(cfg.model(), new OnlineTrainer(cfg, Gemms.create("java")).parameters(), 0);
    assertThat(initial.version()).isZero();
    assertThat(initial.toBytes()).isEqualTo(fresh.toBytes());
    SaeModel otherSeed = InitialModel.of(cfg.withSeed(6));
    assertThat(otherSeed.toBytes()).isNotEqualTo(initial.toBytes());
  }
}
