package io.saestreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.avro.InputVector;
import io.saestreams.stream.SaeSerdes;
import io.saestreams.stream.training.InputRef;
import io.saestreams.stream.training.KafkaSampleFetcher;
import io.saestreams.stream.training.SampleFetcher;
import io.saestreams.stream.validate.InputValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The trainer's replay reads samples back from a real input topic: in the order asked, across
 * partitions, and {@code null} for what is not there (past the end, deleted, not a valid input).
 */
class KafkaSampleFetcherIntegrationTest {
  private static final int DIM = 5;
  private static final String TOPIC = "fetch-input";
  private static ItCluster cluster;

  @BeforeAll
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  static void startCluster() {
    cluster = ItCluster.embedded();
    ItCluster.get(cluster.admin().createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all());
    cluster.awaitLeaders(List.of(TOPIC), Duration.ofSeconds(30));
  }

  @AfterAll
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private record Sent(InputRef ref, InputVector vector) {}

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void readsTheAskedRecordsBackInOrderAndNullForWhatIsGone() {
    List<Sent> sent = new ArrayList<>();
    List<InputRef> invalid = new ArrayList<>();
    try (InputProducer producer = new InputProducer(cluster, TOPIC)) {
      for (InputVector v : new Inputs(DIM, 3L, "f").next(60)) {
        RecordMetadata m = producer.sendRaw(InputProducer.key(v.getId()), producer.encode(v),
            v.getTimestamp().toEpochMilli(), List.of());
        sent.add(new Sent(new InputRef(m.partition(), m.offset()), v));
      }
      RecordMetadata garbage = producer.sendRaw(InputProducer.key("junk"), new byte[] {0, 0, 0, 0, 0, 1}, 1L, List.of()); // schema id 0: below every id the registry issued, so bogus (a higher unknown id would be a registry fault)
      invalid.add(new InputRef(garbage.partition(), garbage.offset()));
    }
    // every third record, shuffled, plus the invalid one and one past the end of partition 0
    List<Sent> asked = new ArrayList<>();
    for (int i = 0; i < sent.size(); i += 3) {
      asked.add(sent.get(i));
    }
    Collections.shuffle(asked, new Random(8));
    List<InputRef> refs = new ArrayList<>(asked.stream().map(Sent::ref).toList());
    refs.add(invalid.get(0));
    refs.add(new InputRef(0, 1_000_000));

    // the earliest two records of one partition are deleted (as retention would)
    TopicPartition tp = new TopicPartition(TOPIC, sent.get(0).ref().partition());
    ItCluster.get(cluster.admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(2))).all());

    SampleFetcher.Factory factory = KafkaSampleFetcher.factory(TOPIC,
        new InputValidator(new SaeSerdes(cluster.registry()).inputVector(), DIM), Duration.ofSeconds(30));
    try (SampleFetcher fetcher = factory.open(Map.of(
        StreamsConfig.APPLICATION_ID_CONFIG, "fetch-test",
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
      List<float[]> got = fetcher.fetch(refs);
      assertThat(got).hasSize(refs.size());
      for (int i = 0; i < asked.size(); i++) {
        InputRef ref = asked.get(i).ref();
        if (ref.partition() == tp.partition() && ref.offset() < 2) {
          assertThat(got.get(i)).as("deleted: %s", ref).isNull();
        } else {
          assertThat(got.get(i)).as("record %s", ref).containsExactly(values(asked.get(i).vector()));
        }
      }
      assertThat(got.get(asked.size())).as("not a valid input").isNull();
      assertThat(got.get(asked.size() + 1)).as("past the end").isNull();

      // the same fetcher serves a second batch
      List<Sent> kept = sent.stream()
          .filter(x -> x.ref().partition() != tp.partition() || x.ref().offset() >= 2).toList();
      Sent last = kept.get(kept.size() - 1);
      Sent early = kept.get(1);
      List<float[]> again = fetcher.fetch(List.of(last.ref(), early.ref()));
      assertThat(again.get(0)).containsExactly(values(last.vector()));
      assertThat(again.get(1)).containsExactly(values(early.vector()));
    }
  }

  private static float[] values(InputVector v) {
    float[] x = new float[v.getValues().size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = v.getValues().get(i);
    }
    return x;
  }
}
