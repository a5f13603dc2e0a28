package io.saestreams.stream.query;

import io.saestreams.stream.SaeTopology;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Opens this instance's global model store for a query, or says why it cannot. */
@FunctionalInterface
interface ModelStoreAccess {
  /**
   * The store, ready to read.
   *
   * @throws QueryException (503) while it cannot be queried
   */
  ReadOnlyKeyValueStore<String, byte[]> open();

  /**
   * The global store {@value SaeTopology#MODEL_STORE} of {@code streams}, queried only while the
   * client is RUNNING — the state {@code /health/ready} asks for. Before the first RUNNING the store
   * may still be restoring (older versions than the topic's newest); during a rebalance the client
   * is not ready either, and a client retries.
   */
  static ModelStoreAccess of(KafkaStreams streams) {
    return () -> {
      KafkaStreams.State state = streams.state();
      if (state != KafkaStreams.State.RUNNING) {
        throw QueryException.notReady("the model store is not ready: Kafka Streams client in state "
            + state + " (live queries are answered while it is RUNNING)");
      }
      try {
        return streams.store(StoreQueryParameters.fromNameAndType(
            SaeTopology.MODEL_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
      } catch (InvalidStateStoreException | IllegalStateException e) {
        throw QueryException.notReady("the model store cannot be queried: " + e.getMessage());
      }
    };
  }
}
