package io.saestreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, small: the whole pipeline in one JVM on a real KRaft broker. */
class DemoIntegrationTest {
  @Test
  @Timeout(180)
  void demoStreamsEveryRecordThroughAndWritesSummaryAndPictures(@TempDir Path out)
      throws Exception {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    int code = Main.run(new PrintWriter(stdout, true), new PrintWriter(stderr, true), "demo",
        "--records", "3000", "--json", "--out", out.toString(),
        "--set", "sae.latent.dim=64", "--set", "model.publish.interval.steps=2");
    assertThat(code).as(stderr.toString()).isEqualTo(ExitCodes.OK);
    JsonNode json = new ObjectMapper().readTree(stdout.toString());
    assertThat(json.get("records_in").asLong()).isEqualTo(3000);
    assertThat(json.get("codes_out").asLong()).isEqualTo(3000);
    assertThat(json.get("scores_out").asLong()).isEqualTo(3000);
    assertThat(json.get("dlq").asLong()).isZero();
    assertThat(json.get("model_version").asLong()).isPositive();
    assertThat(json.get("fvu").asDouble()).isBetween(0.0, 1.5);
    assertThat(json.get("l0").asDouble()).isBetween(1.0, 8.0);
    assertThat(json.get("records_per_second").asDouble()).isPositive();
    assertThat(stderr.toString()).contains("Kafka broker").contains("Schema registry")
        .contains("/metrics");
    for (String picture : new String[] {DemoPictures.FEATURES, DemoPictures.RECONSTRUCTIONS,
        DemoPictures.MEAN_ACTIVATION, DemoPictures.ERROR_OVER_TIME}) {
      assertThat(out.resolve(picture)).isNotEmptyFile();
    }
    assertThat(Files.readString(out.resolve("summary.json"))).contains("\"records_in\":3000");
  }
}
