package io.saestreams.stream.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replica's saved round state: round ends survive the bytes; the two earlier formats still read. */
class RoundStateTest {
  @Test
  void roundEndsSurviveTheBytes() {
    RoundState s = new RoundState(7, false, 12, true).withEnd(64).withEnd(0).withEnd(33);
    assertThat(s.ends()).containsExactly(64L, 0L, 33L);
    assertThat(RoundState.fromBytes(s.toBytes())).isEqualTo(s);
    assertThat(RoundState.fromBytes(RoundState.START.toBytes())).isEqualTo(RoundState.START);
  }

  @Test
  void formatsOneAndTwoReadWithoutRoundEnds() {
    byte[] two = ByteBuffer.allocate(19).put((byte) 2).putLong(5).put((byte) 0).putLong(9).put((byte) 1).array();
    assertThat(RoundState.fromBytes(two)).isEqualTo(new RoundState(5, false, 9, true, List.of()));
    byte[] one = ByteBuffer.allocate(18).put((byte) 1).putLong(5).put((byte) 1).putLong(0).array();
    assertThat(RoundState.fromBytes(one)).isEqualTo(new RoundState(5, true, 0, false));
  }

  @Test
  void aTruncatedListOfRoundEndsIsRefused() {
    byte[] b = new RoundState(1, false, 0, false).withEnd(8).withEnd(8).toBytes();
    byte[] cut = java.util.Arrays.copyOf(b, b.length - 3);
    assertThatThrownBy(() -> RoundState.fromBytes(cut)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("round ends");
  }
}
