package io.saestreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {false, true})
  void readsUnsignedByteImagesWithLabels(boolean gzip) throws IOException {
    Path images = IdxTestFiles.write(dir.resolve("a-images"), IdxTestFiles.ubyteImages(3, 2, 3), gzip);
    Path labels = IdxTestFiles.write(dir.resolve("a-labels"), IdxTestFiles.ubyteLabels(3), gzip);
    try (IdxReader reader = IdxReader.open(images, labels)) {
      assertThat(reader.rows()).isEqualTo(2);
      assertThat(reader.cols()).isEqualTo(3);
      assertThat(reader.dimension()).isEqualTo(6);
      assertThat(reader.size()).isEqualTo(3);
      List<LabelledVector> all = reader.take(10);
      assertThat(all).hasSize(3);
      for (int r = 0; r < 3; r++) {
        LabelledVector v = all.get(r);
        assertThat(v.label()).isEqualTo(r);
        assertThat(v.anomaly()).isFalse();
        assertThat(v.id()).isEqualTo(String.format("a-images-%09d", r));
        for (int p = 0; p < 6; p++) {
          assertThat(v.values()[p]).isEqualTo(((r * 7 + p) % 256) / 255f);
        }
      }
      assertThat(reader.hasNext()).isFalse();
      assertThatThrownBy(reader::next).isInstanceOf(NoSuchElementException.class);
    }
  }

  @Test
  void unsignedBytesAreScaledToTheUnitInterval() throws IOException {
    byte[] payload = {0, (byte) 128, (byte) 255, 1};
    Path f = IdxTestFiles.write(dir.resolve("u"), IdxTestFiles.idx(0x08, new int[] {1, 2, 2}, payload),
        false);
    try (IdxReader reader = IdxReader.open(f, null)) {
      assertThat(reader.next().values()).containsExactly(0f, 128 / 255f, 1f, 1 / 255f);
    }
  }

  /** Every element type, written big-endian from seeded random values, reads back exactly. */
  @ParameterizedTest(name = "type 0x{0}")
  @ValueSource(ints = {0x09, 0x0B, 0x0C, 0x0D, 0x0E})
  void readsEveryElementType(int type) throws IOException {
    Random random = new Random(1000 + type);
    int count = 4;
    int rows = 3;
    int cols = 5;
    float[][] expected = new float[count][rows * cols];
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    for (int r = 0; r < count; r++) {
      for (int p = 0; p < rows * cols; p++) {
        switch (type) {
          case 0x09 -> {
            int v = random.nextInt(256) - 128;
            out.writeByte(v);
            expected[r][p] = v;
          }
          case 0x0B -> {
            int v = random.nextInt(65536) - 32768;
            out.writeShort(v);
            expected[r][p] = v;
          }
          case 0x0C -> {
            int v = random.nextInt(2_000_001) - 1_000_000;
            out.writeInt(v);
            expected[r][p] = v;
          }
          case 0x0D -> {
            float v = (float) random.nextGaussian();
            out.writeFloat(v);
            expected[r][p] = v;
          }
          default -> {
            double v = random.nextGaussian() * 100;
            out.writeDouble(v);
            expected[r][p] = (float) v;
          }
        }
      }
    }
    out.flush();
    Path f = IdxTestFiles.write(dir.resolve("t" + type),
        IdxTestFiles.idx(type, new int[] {count, rows, cols}, bytes.toByteArray()), true);
    try (IdxReader reader = IdxReader.open(f, null)) {
      for (int r = 0; r < count; r++) {
        LabelledVector v = reader.next();
        assertThat(v.values()).containsExactly(expected[r]);
        assertThat(v.label()).isEqualTo(-1);
      }
      assertThat(reader.hasNext()).isFalse();
    }
  }

  @Test
  void twoDimensionalFileIsOneRowPerRecord() throws IOException {
    Path f = IdxTestFiles.write(dir.resolve("flat"),
        IdxTestFiles.idx(0x08, new int[] {2, 5}, new byte[10]), false);
    try (IdxReader reader = IdxReader.open(f, null)) {
      assertThat(reader.rows()).isEqualTo(1);
      assertThat(reader.cols()).isEqualTo(5);
      assertThat(reader.dimension()).isEqualTo(5);
    }
  }

  @Test
  void gzipIsDetectedByContentNotName() throws IOException {
    Path f = IdxTestFiles.write(dir.resolve("looks-plain.idx"), IdxTestFiles.ubyteImages(2, 2, 2), true);
    Path g = IdxTestFiles.write(dir.resolve("looks-compressed.gz"), IdxTestFiles.ubyteImages(2, 2, 2),
        false);
    try (IdxReader a = IdxReader.open(f, null); IdxReader b = IdxReader.open(g, null)) {
      assertThat(a.take(2)).extracting(v -> Arrays.toString(v.values()))
          .isEqualTo(b.take(2).stream().map(v -> Arrays.toString(v.values())).toList());
    }
  }

  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {false, true})
  void openFindsLabelsBesideImagesAndInDirectory(boolean gzip) throws IOException {
    String ext = gzip ? ".gz" : "";
    IdxTestFiles.write(dir.resolve("train-images-idx3-ubyte" + ext), IdxTestFiles.ubyteImages(4, 2, 2),
        gzip);
    IdxTestFiles.write(dir.resolve("train-labels-idx1-ubyte" + ext), IdxTestFiles.ubyteLabels(4), gzip);
    IdxTestFiles.write(dir.resolve("t10k-images-idx3-ubyte" + ext), IdxTestFiles.ubyteImages(2, 2, 2),
        gzip);
    try (IdxReader reader = IdxReader.open(dir)) {
      assertThat(reader.imagesFile().getFileName().toString()).isEqualTo("train-images-idx3-ubyte" + ext);
      assertThat(reader.labelsFile().getFileName().toString()).isEqualTo("train-labels-idx1-ubyte" + ext);
      assertThat(reader.take(4)).extracting(LabelledVector::label).containsExactly(0, 1, 2, 3);
    }
    try (IdxReader reader = IdxReader.open(dir.resolve("t10k-images-idx3-ubyte" + ext))) {
      assertThat(reader.labelsFile()).isNull(); // no t10k labels were written
      assertThat(reader.next().label()).isEqualTo(-1);
    }
  }

  @Test
  void labelsMayBeCompressedWhileImagesAreNot() throws IOException {
    IdxTestFiles.write(dir.resolve("x-images-idx3-ubyte"), IdxTestFiles.ubyteImages(2, 1, 1), false);
    IdxTestFiles.write(dir.resolve("x-labels-idx1-ubyte.gz"), IdxTestFiles.ubyteLabels(2), true);
    try (IdxReader reader = IdxReader.open(dir.resolve("x-images-idx3-ubyte"))) {
      assertThat(reader.labelsFile().getFileName().toString()).isEqualTo("x-labels-idx1-ubyte.gz");
      assertThat(reader.take(2)).extracting(LabelledVector::label).containsExactly(0, 1);
    }
  }

  @Test
  void directoryWithoutImagesIsAnError() throws IOException {
    Files.writeString(dir.resolve("readme.txt"), "nothing");
    assertThatThrownBy(() -> IdxReader.open(dir))
        .isInstanceOf(DataFileException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("no train-images-idx3-ubyte")
        .hasMessageContaining("readme.txt");
  }

  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {false, true})
  void wrongMagicNamesFileAndBytes(boolean gzip) throws IOException {
    byte[] content = IdxTestFiles.ubyteImages(1, 2, 2);
    content[0] = 0x12;
    content[1] = 0x34;
    Path f = IdxTestFiles.write(dir.resolve("bad-magic"), content, gzip);
    assertThatThrownBy(() -> IdxReader.open(f, null))
        .isInstanceOf(DataFileException.class)
        .hasMessageStartingWith(f + ", byte 0: wrong magic number 0x12340803");
  }

  @Test
  void unsupportedTypeIsNamed() throws IOException {
    Path f = IdxTestFiles.write(dir.resolve("bad-type"),
        IdxTestFiles.idx(0x0A, new int[] {1, 1, 1}, new byte[] {0}), false);
    assertThatThrownBy(() -> IdxReader.open(f, null))
        .isInstanceOf(DataFileException.class)
        .hasMessageStartingWith(f + ", byte 2: unsupported IDX data type 0x0A")
        .hasMessageContaining("0x08 unsigned byte");
  }

  @Test
  void truncatedPlainFileIsReportedWhenOpened() throws IOException {
    byte[] full = IdxTestFiles.ubyteImages(3, 2, 2); // 16 header bytes + 12 data bytes
    Path f = IdxTestFiles.write(dir.resolve("short"), Arrays.copyOf(full, full.length - 3), false);
    assertThatThrownBy(() -> IdxReader.open(f, null))
        .isInstanceOf(DataFileException.class)
        .hasMessageStartingWith(f + ", byte 25: truncated")
        .hasMessageContaining("3 records of 4 bytes")
        .hasMessageContaining("record 2 is incomplete");
  }

  @Test
  void truncatedGzipFileIsReportedAtTheMissingRecord() throws IOException {
    byte[] full = IdxTestFiles.ubyteImages(3, 2, 2);
    Path f = IdxTestFiles.write(dir.resolve("short.gz"), Arrays.copyOf(full, full.length - 3), true);
    try (IdxReader reader = IdxReader.open(f, null)) {
      reader.next();
      reader.next();
      assertThatThrownBy(reader::next)
          .isInstanceOf(DataFileException.class)
          .hasMessageStartingWith(f + ", record 2 (uncompressed byte 25): truncated")
          .hasMessageContaining("ends after 1");
    }
  }

  @Test
  void truncatedHeaderIsReported() throws IOException {
    Path f = IdxTestFiles.write(dir.resolve("tiny"), new byte[] {0, 0, 8, 3, 0, 0}, false);
    assertThatThrownBy(() -> IdxReader.open(f, null))
        .isInstanceOf(DataFileException.class)
        .hasMessage(f + ", byte 6: truncated header: expected 12 bytes for the 3 dimension sizes "
            + "from byte 4, the data ends after 2");
  }

  @Test
  void trailingDataInPlainFileIsReported() throws IOException {
    byte[] full = IdxTestFiles.ubyteImages(1, 2, 2);
    Path f = IdxTestFiles.write(dir.resolve("long"), Arrays.copyOf(full, full.length + 2), false);
    assertThatThrownBy(() -> IdxReader.open(f, null))
        .isInstanceOf(DataFileException.class)
        .hasMessageStartingWith(f + ", byte 20: unexpected trailing data");
  }

  @Test
  void countMismatchBetweenImagesAndLabelsNamesBothFiles() throws IOException {
    Path images = IdxTestFiles.write(dir.resolve("m-images"), IdxTestFiles.ubyteImages(5, 2, 2), false);
    Path labels = IdxTestFiles.write(dir.resolve("m-labels"), IdxTestFiles.ubyteLabels(4), false);
    assertThatThrownBy(() -> IdxReader.open(images, labels))
        .isInstanceOf(DataFileException.class)
        .hasMessage(labels + ": count mismatch: 4 labels, but images file " + images
            + " has 5 records");
  }

  @Test
  void labelsFileMustBeOneDimensional() throws IOException {
    Path images = IdxTestFiles.write(dir.resolve("i"), IdxTestFiles.ubyteImages(2, 2, 2), false);
    Path labels = IdxTestFiles.write(dir.resolve("l"), IdxTestFiles.ubyteImages(2, 1, 1), false);
    assertThatThrownBy(() -> IdxReader.open(images, labels))
        .isInstanceOf(DataFileException.class)
        .hasMessageStartingWith(labels + ", byte 3: expected a labels file with 1 dimension, found 3");
  }

  @Test
  void nonFiniteFloatIsReportedWithRecordAndElement() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeFloat(1f);
    out.writeFloat(Float.NaN);
    out.flush();
    Path f = IdxTestFiles.write(dir.resolve("nan"),
        IdxTestFiles.idx(0x0D, new int[] {2, 1, 1}, bytes.toByteArray()), false);
    try (IdxReader reader = IdxReader.open(f, null)) {
      assertThat(reader.next().values()).containsExactly(1f);
      assertThatThrownBy(reader::next)
          .isInstanceOf(DataFileException.class)
          .hasMessage(f + ", record 1, element 0 (uncompressed byte 20): value NaN is not finite");
    }
  }

  @Test
  void missingFileIsNamed() {
    Path f = dir.resolve("absent-images-idx3-ubyte");
    assertThatThrownBy(() -> IdxReader.open(f, null))
        .isInstanceOf(DataFileException.class)
        .hasMessage(f + ": file does not exist");
  }

  /** Against the real Fashion-MNIST files of the Debian package, when installed. */
  @Test
  void readsFashionMnistWhenInstalled() {
    Path fashion = Path.of("/usr/share/datasets/fashion-mnist");
    Path test = fashion.resolve("t10k-images-idx3-ubyte.gz");
    assumeThat(Files.isRegularFile(test)).as("dataset-fashion-mnist installed").isTrue();
    int[] perClass = new int[10];
    try (IdxReader reader = IdxReader.open(test)) {
      assertThat(reader.labelsFile()).isEqualTo(fashion.resolve("t10k-labels-idx1-ubyte.gz"));
      assertThat(reader.rows()).isEqualTo(28);
      assertThat(reader.cols()).isEqualTo(28);
      assertThat(reader.size()).isEqualTo(10_000);
      long n = 0;
      while (reader.hasNext()) {
        LabelledVector v = reader.next();
        assertThat(v.values()).hasSize(784);
        for (float x : v.values()) {
          assertThat(x).isBetween(0f, 1f);
        }
        perClass[v.label()]++;
        n++;
      }
      assertThat(n).isEqualTo(10_000);
    }
    assertThat(perClass).containsOnly(1000); // the test set is balanced
    try (IdxReader train = IdxReader.open(fashion)) {
      assertThat(train.imagesFile().getFileName().toString()).isEqualTo("train-images-idx3-ubyte.gz");
      assertThat(train.size()).isEqualTo(60_000);
      assertThat(train.next().label()).isBetween(0, 9);
    }
  }
}
