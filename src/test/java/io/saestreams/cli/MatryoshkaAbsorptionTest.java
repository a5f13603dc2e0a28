package io.saestreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Matryoshka BatchTopK against plain BatchTopK where the published comparison holds: a hierarchy
 * whose children carry their parent's magnitude ({@code child-coupling=1}), so that parent plus
 * child is one direction a single latent can take over. Plain BatchTopK then absorbs parents into
 * children; an inner prefix of 64 latents (twice the parents) makes Matryoshka keep the parents'
 * latents firing, and it matches the true features better. The README's command, seed 42, one
 * pass of 300,000 samples each (about 15 s each here).
 */
@Timeout(300)
class MatryoshkaAbsorptionTest {
  private static final String DATASET = "synthetic:features=256,hierarchy=7,mean-active=2,child-coupling=1";

  private static JsonNode evaluate(String... extra) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new ArrayList<>(List.of("evaluate", "--dataset", DATASET, "--records", "300000",
        "--latents", "256", "--activation", "batch-topk", "--k", "2", "--seed", "42", "--json"));
    args.addAll(List.of(extra));
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    return new ObjectMapper().readTree(out.toString());
  }

  @Test
  void matryoshkaRemovesTheAbsorptionOfPlainBatchTopKAndMatchesTheFeaturesBetter() throws Exception {
    JsonNode plain = evaluate();
    JsonNode matryoshka = evaluate("--matryoshka-prefixes", "64");
    // measured: absorption 0.111 against 0.034, parents' latents firing with a child 0.60 / 0.76
    assertThat(plain.get("absorption").asDouble()).as("plain BatchTopK absorbs").isGreaterThan(0.08);
    assertThat(matryoshka.get("absorption").asDouble())
        .isLessThan(plain.get("absorption").asDouble() / 2);
    assertThat(matryoshka.get("parent_firing_with_child").asDouble())
        .isGreaterThan(plain.get("parent_firing_with_child").asDouble() + 0.05);
    // measured: MCC 0.878 against 0.785, firing F1 0.791 against 0.743
    assertThat(matryoshka.get("mcc").asDouble()).isGreaterThan(plain.get("mcc").asDouble() + 0.03);
    assertThat(matryoshka.get("firing_f1").asDouble()).isGreaterThan(plain.get("firing_f1").asDouble());
  }
}
