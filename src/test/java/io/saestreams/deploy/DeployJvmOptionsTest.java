package io.saestreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JVM options of the container image and of the Kubernetes manifest size the heap once and
 * keep it: a heap that G1 shrinks after a collection (by default whenever more than 70 % of it is
 * free, as it is early in a streaming application's life) gives back the memory that
 * {@code -XX:+AlwaysPreTouch} touched, and growing it again costs the stream threads a page fault
 * per fresh page (~10 % of their time in {@code bench --pipeline}).
 */
class DeployJvmOptionsTest {
  private static final Pattern DOCKERFILE = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"");
  private static final Pattern MANIFEST =
      Pattern.compile("- name: JAVA_TOOL_OPTIONS\\s+value: \"([^\"]*)\"");

  private static String options(Path file, Pattern pattern) throws IOException {
    Matcher m = pattern.matcher(Files.readString(file));
    assertThat(m.find()).as("JAVA_TOOL_OPTIONS in %s", file).isTrue();
    return m.group(1);
  }

  @Test
  void theImageAndTheManifestGiveTheJvmTheSameOptions() throws IOException {
    assertThat(options(Path.of("deploy/k8s/deployment.yaml"), MANIFEST))
        .isEqualTo(options(Path.of("deploy/Dockerfile"), DOCKERFILE));
  }

  @Test
  void aJvmWithTheImagesOptionsKeepsItsWholeHeapAfterACollection() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(options(Path.of("deploy/Dockerfile"), DOCKERFILE).split("\\s+")));
    // a 256 MiB container: a 192 MiB heap, all of it touched at start
    command.addAll(List.of("-XX:MaxRAM=256m", "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path"),
        HeapProbe.class.getName()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the probe JVM ends").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    Matcher m = Pattern.compile("committed (\\d+) (\\d+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    long before = Long.parseLong(m.group(1));
    long after = Long.parseLong(m.group(2));
    assertThat(before).as("the heap sized at start (75 %% of 256 MiB)").isGreaterThan(150L << 20);
    assertThat(after).as("the committed heap after a full collection").isEqualTo(before);
  }
}
