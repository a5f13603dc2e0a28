package io.saestreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackoffTest {
  private static final Duration INITIAL = Duration.ofMillis(200);
  private static final Duration MAX = Duration.ofSeconds(5);

  @Test
  void ceilingDoublesFromTheInitialWaitUpToTheMaximum() {
    Backoff b = new Backoff(INITIAL, MAX, new Random(1));
    assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.ceiling(2)).isEqualTo(Duration.ofMillis(400));
    assertThat(b.ceiling(5)).isEqualTo(Duration.ofMillis(3200));
    assertThat(b.ceiling(6)).isEqualTo(MAX);
    assertThat(b.ceiling(1_000)).isEqualTo(MAX);
    assertThat(b.ceiling(Integer.MAX_VALUE)).isEqualTo(MAX);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42})
  void everyDelayLiesBetweenHalfTheCeilingAndTheCeiling(long seed) {
    Backoff b = new Backoff(INITIAL, MAX, new Random(seed));
    for (int retry = 1; retry <= 40; retry++) {
      Duration ceiling = b.ceiling(retry);
      for (int i = 0; i < 50; i++) {
        assertThat(b.delay(retry)).isBetween(ceiling.dividedBy(2), ceiling);
      }
    }
  }

  @Test
  void delaysAreJitteredAndReproducibleFromASeed() {
    List<Duration> first = delays(new Backoff(INITIAL, MAX, new Random(7)));
    assertThat(delays(new Backoff(INITIAL, MAX, new Random(7)))).isEqualTo(first);
    Set<Duration> distinct = new HashSet<>(first.subList(10, first.size()));
    assertThat(distinct).as("waits at the cap still differ").hasSizeGreaterThan(10);
    // the thread-local source stays within the same bounds
    Backoff local = new Backoff(INITIAL, MAX, null);
    assertThat(local.delay(3)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
  }

  @Test
  void zeroWaitsStayZero() {
    Backoff b = new Backoff(Duration.ZERO, Duration.ZERO, new Random(1));
    assertThat(b.delay(1)).isZero();
    assertThat(b.delay(30)).isZero();
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new Backoff(MAX, INITIAL, null)).hasMessageContaining("0 <= initial <= max");
    assertThatThrownBy(() -> new Backoff(INITIAL, MAX, null).delay(0)).hasMessageContaining("start at 1, was 0");
  }

  private static List<Duration> delays(Backoff b) {
    List<Duration> out = new ArrayList<>();
    for (int retry = 1; retry <= 30; retry++) {
      out.add(b.delay(retry));
    }
    return out;
  }
}
