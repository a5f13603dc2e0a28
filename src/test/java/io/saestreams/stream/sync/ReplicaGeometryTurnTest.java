package io.saestreams.stream.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoder-geometry statistic is taken by exactly one replica a round, each in its turn. */
class ReplicaGeometryTurnTest {

  @ParameterizedTest(name = "{0} replicas")
  @ValueSource(ints = {1, 2, 3, 4, 7})
  void oneReplicaARoundTakesTheGeometryAndEachInTurn(int partitions) {
    int[] taken = new int[partitions];
    long rounds = 5L * partitions;
    for (long round = 0; round < rounds; round++) {
      int takers = 0;
      for (int partition = 0; partition < partitions; partition++) {
        if (ReplicaProcessor.measuresGeometry(round, partition, partitions)) {
          takers++;
          taken[partition]++;
        }
      }
      assertThat(takers).as("round %d", round).isEqualTo(1);
    }
    for (int partition = 0; partition < partitions; partition++) {
      assertThat(taken[partition]).as("replica %d", partition).isEqualTo(5);
    }
  }
}
