package io.saestreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvReaderTest {
  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  @Test
  void readsHeaderlessNumbersSkippingCommentsAndBlankLines() throws IOException {
    Path f = file("plain.csv", "# a comment\n\n1,2,3\n  # indented comment\n-4.5, 5e-1 ,+.25\n\n");
    try (CsvReader reader = CsvReader.open(f)) {
      assertThat(reader.header()).isNull();
      assertThat(reader.dimension()).isEqualTo(3);
      assertThat(reader.size()).isEqualTo(-1);
      List<LabelledVector> all = reader.take(10);
      assertThat(all).hasSize(2);
      assertThat(all.get(0)).isEqualTo(new LabelledVector("plain.csv:3", new float[] {1, 2, 3}, false, -1));
      assertThat(all.get(1).id()).isEqualTo("plain.csv:5");
      assertThat(all.get(1).values()).containsExactly(-4.5f, 0.5f, 0.25f);
    }
  }

  @Test
  void detectsHeaderAndUsesNamedColumns() throws IOException {
    Path f = file("named.csv", "id,x1,label,x2,anomaly\n\"row, one\",0.5,3,1.5,0\nr2,1,0,2,true\n");
    CsvOptions options = CsvOptions.defaults().withIdColumn("id").withLabelColumn("label")
        .withAnomalyColumn("anomaly");
    try (CsvReader reader = CsvReader.open(f, options)) {
      assertThat(reader.header()).containsExactly("id", "x1", "label", "x2", "anomaly");
      assertThat(reader.valueColumnNames()).containsExactly("x1", "x2");
      assertThat(reader.dimension()).isEqualTo(2);
      assertThat(reader.next()).isEqualTo(new LabelledVector("row, one", new float[] {0.5f, 1.5f}, false, 3));
      assertThat(reader.next()).isEqualTo(new LabelledVector("r2", new float[] {1f, 2f}, true, 0));
      assertThat(reader.hasNext()).isFalse();
    }
  }

  @Test
  void conventionalOptionsUseIdAndLabelOnlyWhenPresent() throws IOException {
    Path with = file("with.csv", "a,label\n1,7\n");
    Path without = file("without.csv", "a,b\n1,7\n");
    try (CsvReader r1 = CsvReader.open(with, CsvOptions.conventional());
        CsvReader r2 = CsvReader.open(without, CsvOptions.conventional())) {
      assertThat(r1.next()).isEqualTo(new LabelledVector("with.csv:2", new float[] {1}, false, 7));
      assertThat(r2.next()).isEqualTo(new LabelledVector("without.csv:2", new float[] {1, 7}, false, -1));
    }
  }

  @Test
  void forcedHeaderModesOverrideDetection() throws IOException {
    Path f = file("numbers.csv", "1,2\n3,4\n");
    try (CsvReader reader = CsvReader.open(f, CsvOptions.defaults().withHeader(CsvOptions.Header.PRESENT))) {
      assertThat(reader.header()).containsExactly("1", "2");
      assertThat(reader.take(5)).hasSize(1);
    }
    Path g = file("semi.csv", "1;2\n3;4\n");
    try (CsvReader reader = CsvReader.open(g, CsvOptions.defaults().withDelimiter(';'))) {
      assertThat(reader.take(5)).extracting(v -> v.values()[1]).containsExactly(2f, 4f);
    }
  }

  @Test
  void readsGzipCompressedCsv() throws IOException {
    Path f = dir.resolve("packed.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write("x,y\n1,2\n".getBytes(StandardCharsets.UTF_8));
    }
    try (CsvReader reader = CsvReader.open(f)) {
      assertThat(reader.next().values()).containsExactly(1f, 2f);
    }
  }

  @Test
  void columnCountMismatchNamesFileAndLine() throws IOException {
    Path f = file("ragged.csv", "a,b,c\n1,2,3\n# fine\n4,5\n");
    try (CsvReader reader = CsvReader.open(f)) {
      reader.next();
      assertThatThrownBy(reader::next)
          .isInstanceOf(DataFileException.class)
          .hasMessage(f + ", line 4: expected 3 columns (as in the header on line 1), found 2");
    }
    Path g = file("ragged2.csv", "\n1,2\n3,4,5\n");
    try (CsvReader reader = CsvReader.open(g)) {
      assertThat(reader.next().values()).containsExactly(1f, 2f);
      assertThatThrownBy(reader::next)
          .isInstanceOf(DataFileException.class)
          .hasMessage(g + ", line 3: expected 2 columns (as on the first data line, line 2), found 3");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "NaN   | value 'NaN' is not a finite number",
    "-inf  | value '-inf' is not a finite number",
    "abc   | value 'abc' is not a number",
    "1.5f  | value '1.5f' is not a number",
    "0x10  | value '0x10' is not a number",
    "1e39  | value '1e39' is outside the float range",
  })
  void badValueNamesLineAndColumn(String value, String problem) throws IOException {
    Path f = file("bad.csv", "a,b\n1,2\n3," + value + "\n");
    try (CsvReader reader = CsvReader.open(f)) {
      reader.next();
      assertThatThrownBy(reader::next)
          .isInstanceOf(DataFileException.class)
          .hasMessage(f + ", line 3, column 2 ('b'): " + problem);
    }
  }

  @Test
  void emptyValueWithoutHeaderNamesColumnNumber() throws IOException {
    Path f = file("empty.csv", "1,,3\n");
    assertThatThrownBy(() -> CsvReader.open(f))
        .isInstanceOf(DataFileException.class)
        .hasMessage(f + ", line 1, column 2: empty value, expected a number");
  }

  @Test
  void badLabelAndFlagAreReported() throws IOException {
    Path f = file("labels.csv", "x,label\n1,2.5\n");
    assertThatThrownBy(() -> CsvReader.open(f, CsvOptions.defaults().withLabelColumn("label")))
        .isInstanceOf(DataFileException.class)
        .hasMessage(f + ", line 2, column 2 ('label'): label '2.5' is not an integer >= 0");
    Path g = file("flags.csv", "x,anomaly\n1,maybe\n");
    assertThatThrownBy(() -> CsvReader.open(g, CsvOptions.defaults().withAnomalyColumn("anomaly")))
        .isInstanceOf(DataFileException.class)
        .hasMessage(g + ", line 2, column 2 ('anomaly'): anomaly flag 'maybe' is not 0, 1, true or false");
  }

  @Test
  void requiredNamedColumnMustExist() throws IOException {
    Path f = file("cols.csv", "x,y\n1,2\n");
    assertThatThrownBy(() -> CsvReader.open(f, CsvOptions.defaults().withLabelColumn("class")))
        .isInstanceOf(DataFileException.class)
        .hasMessage(f + ", line 1: labelColumn 'class' is not in the header; the columns are [x, y]");
    Path g = file("noheader.csv", "1,2\n");
    assertThatThrownBy(() -> CsvReader.open(g, CsvOptions.defaults().withIdColumn("id")))
        .isInstanceOf(DataFileException.class)
        .hasMessageStartingWith(g + ", line 1: the options name id/label/anomaly columns");
  }

  @Test
  void fileWithoutDataIsAnError() throws IOException {
    Path f = file("nothing.csv", "# only a comment\n\n");
    assertThatThrownBy(() -> CsvReader.open(f))
        .isInstanceOf(DataFileException.class)
        .hasMessage(f + ": no data: the file is empty or has only blank and comment lines");
  }

  @Test
  void unterminatedQuoteIsReported() throws IOException {
    Path f = file("quote.csv", "a,b\n1,\"2\n");
    assertThatThrownBy(() -> CsvReader.open(f))
        .isInstanceOf(DataFileException.class)
        .hasMessage(f + ", line 2, column 2: unterminated quoted field");
  }

  /** Lines are read on demand: a broken line far down is only reported when it is reached. */
  @Test
  void streamsInsteadOfLoadingTheWholeFile() throws IOException {
    StringBuilder sb = new StringBuilder("a,b\n");
    for (int i = 0; i < 5000; i++) {
      sb.append(i).append(',').append(i * 2).append('\n');
    }
    sb.append("oops,1\n");
    Path f = file("long.csv", sb.toString());
    try (CsvReader reader = CsvReader.open(f)) {
      for (int i = 0; i < 5000; i++) {
        assertThat(reader.next().values()[1]).isEqualTo(i * 2f);
      }
      assertThatThrownBy(reader::hasNext)
          .isInstanceOf(DataFileException.class)
          .hasMessage(f + ", line 5002, column 1 ('a'): value 'oops' is not a number");
      assertThatThrownBy(reader::next).hasMessageContaining("line 5002"); // stays failed
    }
  }

  @Test
  void closedReaderRefusesToContinue() throws IOException {
    Path f = file("c.csv", "1\n2\n");
    CsvReader reader = CsvReader.open(f);
    reader.close();
    reader.close();
    assertThat(reader.hasNext()).isFalse();
    assertThatThrownBy(reader::next).isInstanceOf(IllegalStateException.class);
  }
}
