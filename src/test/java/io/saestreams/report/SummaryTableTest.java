package io.saestreams.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SummaryTableTest {
  @TempDir Path dir;

  private static SummaryTable sample() {
    return new SummaryTable()
        .add("records", 60000L)
        .add("Reconstruction MSE", 0.012345678)
        .add("dead units", Double.NaN)
        .add("data set", "idx:/data/fashion \"train\"")
        .add("converged", true)
        .add("meanActivation", Double.POSITIVE_INFINITY);
  }

  @Test
  void textIsAligned() {
    assertThat(sample().toText()).isEqualTo(
        "records             60000\n"
            + "Reconstruction MSE  0.0123457\n"
            + "dead units          NaN\n"
            + "data set            idx:/data/fashion \"train\"\n"
            + "converged           true\n"
            + "meanActivation      Infinity\n");
    assertThat(new SummaryTable().toText()).isEmpty();
  }

  @Test
  void jsonHasSnakeCaseKeysNullsAndEscapes() throws IOException {
    String expected = "{\"records\":60000,\"reconstruction_mse\":0.012345678,\"dead_units\":null,"
        + "\"data_set\":\"idx:/data/fashion \\\"train\\\"\",\"converged\":true,"
        + "\"mean_activation\":null}";
    assertThat(sample().toJson()).isEqualTo(expected);
    assertThat(new SummaryTable().toJson()).isEqualTo("{}");
    Path file = dir.resolve("summary.json");
    sample().writeJson(file);
    assertThat(Files.readString(file)).isEqualTo(expected + "\n");
  }

  @Test
  void jsonStringEscaping() {
    assertThat(SummaryTable.jsonString("a\"b\\c\nd\te\r\b\f\u0001\u001f\u2028é"))
        .isEqualTo("\"a\\\"b\\\\c\\nd\\te\\r\\b\\f\\u0001\\u001f\\u2028é\"");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "Reconstruction MSE | reconstruction_mse",
    "meanActivation     | mean_activation",
    "L1 loss            | l1_loss",
    "HTTPServer         | http_server",
    "F1Score            | f1_score",
    "dead units (%)     | dead_units",
    "  already_snake__  | already_snake",
    "AUROC              | auroc",
    "layer2Size         | layer2_size",
  })
  void snakeCaseKeys(String name, String key) {
    assertThat(SummaryTable.snakeCase(name)).isEqualTo(key);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0, 0", "1, 1", "-2.5, -2.5", "0.1, 0.1", "0.012345678, 0.0123457", "123456789, 1.23457e+08",
    "0.00001234, 1.234e-05", "9999999.7, 1e+07", "1234.5, 1234.5", "0.0001, 0.0001"})
  void numbersForPeople(double value, String text) {
    assertThat(SummaryTable.formatNumber(value)).isEqualTo(text);
  }

  @Test
  void clashingKeysAndEmptyNamesAreRejected() {
    SummaryTable t = new SummaryTable().add("mean loss", 1.0);
    assertThatThrownBy(() -> t.add("Mean-Loss", 2.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row 'Mean-Loss' has the same JSON key 'mean_loss' as row 'mean loss'");
    assertThatThrownBy(() -> t.add("(%)", 2.0))
        .hasMessage("name '(%)' has no letters or digits for a JSON key");
    assertThat(t.names()).containsExactly("mean loss");
  }
}
