package io.saestreams.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The evaluation package depends on the JDK, EJML and the data package only. */
class EvalArchitectureTest {
  private static final Pattern IMPORT =
      Pattern.compile("^import (static )?([\\w.]+)", Pattern.MULTILINE);

  @Test
  void importsOnlyTheJdkEjmlAndData() throws IOException {
    List<String> bad = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of("src/main/java/io/saestreams/eval"))) {
      files = s.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      Matcher m = IMPORT.matcher(Files.readString(f));
      while (m.find()) {
        String imported = m.group(2);
        if (!(imported.startsWith("java.") || imported.startsWith("org.ejml.")
            || imported.startsWith("io.saestreams.data.")
            || imported.startsWith("io.saestreams.eval."))) {
          bad.add(f + " imports " + imported);
        }
      }
    }
    assertThat(bad).isEmpty();
  }
}
