package io.saestreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.saestreams.stream.config.AppConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the one the code generates. */
class ReadmeTest {
  @Test
  void configurationTableMatchesTheConfigDef() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    assertThat(readme).contains(AppConfig.toMarkdown().strip());
    assertThat(readme).contains("mvn -B verify");
  }
}
