package io.saestreams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Dependency rules between packages, read from the sources. */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/io/saestreams");
  private static final Pattern IMPORT = Pattern.compile("^import (static )?([\\w.]+)", Pattern.MULTILINE);

  @Test
  void modelImportsOnlyTheJdkEjmlAndTheBlasLibrary() {
    assertThat(violations("model", "java.", "org.ejml.", "dev.ludovic.netlib.",
        "org.bytedeco.", "io.saestreams.model.")).isEmpty();
  }

  @Test
  void trainImportsNoKafkaAvroOrMicrometer() {
    assertThat(violations("train", "java.", "org.ejml.", "io.saestreams.model.",
        "io.saestreams.train.")).isEmpty();
  }

  @Test
  void tailImportsOnlyTheJdk() {
    assertThat(violations("tail", "java.", "io.saestreams.tail.")).isEmpty();
  }

  @Test
  void theAnomalyDetectorImportsNoKafkaAvroOrMicrometer() {
    assertThat(violations("stream/anomaly", "java.", "io.saestreams.tail.", "io.saestreams.stream.anomaly.")).isEmpty();
  }

  @Test
  void dataImportsOnlyTheJdk() {
    assertThat(violations("data", "java.", "io.saestreams.data.")).isEmpty();
  }

  @Test
  void onlyMainCallsSystemExit() {
    List<String> callers = new ArrayList<>();
    for (Path f : sources(MAIN)) {
      if (read(f).contains("System.exit(") && !f.endsWith(Path.of("cli/Main.java"))) {
        callers.add(f.toString());
      }
    }
    assertThat(callers).isEmpty();
  }

  private static List<String> violations(String pkg, String... allowed) {
    List<String> bad = new ArrayList<>();
    List<Path> files = sources(MAIN.resolve(pkg));
    assertThat(files).as("sources of %s", pkg).isNotEmpty();
    for (Path f : files) {
      Matcher m = IMPORT.matcher(read(f));
      while (m.find()) {
        String imported = m.group(2);
        boolean ok = false;
        for (String a : allowed) {
          ok |= imported.startsWith(a);
        }
        if (!ok) {
          bad.add(f + " imports " + imported);
        }
      }
    }
    return bad;
  }

  private static List<Path> sources(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".java")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
