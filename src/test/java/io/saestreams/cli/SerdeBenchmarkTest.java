package io.saestreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code bench --serde}, briefly: both readers over the same records, three dimensions. */
class SerdeBenchmarkTest {
  @Test
  void measuresTheDirectReaderNextToAvrosOwnAtEachDimension() throws Exception {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    int code = Main.run(new PrintWriter(stdout, true), new PrintWriter(stderr, true), "bench",
        "--serde", "--seconds", "0.02", "--json");
    assertThat(code).as(stderr.toString()).isEqualTo(ExitCodes.OK);
    JsonNode runs = new ObjectMapper().readTree(stdout.toString());
    assertThat(runs).hasSize(SerdeBenchmark.DIMENSIONS.size());
    for (int i = 0; i < runs.size(); i++) {
      JsonNode r = runs.get(i);
      assertThat(r.get("dimension").asInt()).isEqualTo(SerdeBenchmark.DIMENSIONS.get(i));
      double direct = r.get("direct_records_per_second").asDouble();
      double avro = r.get("avro_records_per_second").asDouble();
      assertThat(direct).isPositive();
      assertThat(avro).isPositive();
      assertThat(r.get("speed_up").asDouble()).isCloseTo(direct / avro, within(1e-9 * direct / avro));
    }
  }

  @Test
  void printsOneLinePerDimension() {
    StringWriter stdout = new StringWriter();
    int code = Main.run(new PrintWriter(stdout, true), new PrintWriter(new StringWriter(), true),
        "bench", "--serde", "--seconds", "0.02");
    assertThat(code).isEqualTo(ExitCodes.OK);
    assertThat(stdout.toString().lines()).hasSize(3)
        .allMatch(l -> l.startsWith("InputVector d=") && l.contains("Avro specific reader"));
  }

  @Test
  void refusesANonPositiveMeasuringTime() {
    StringWriter stderr = new StringWriter();
    int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(stderr, true),
        "bench", "--serde", "--seconds", "0");
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(stderr.toString()).contains("--seconds");
  }
}
