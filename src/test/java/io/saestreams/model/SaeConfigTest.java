package io.saestreams.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SaeConfigTest {
  @Test
  void settingsRoundTripThroughTheirTextForm() {
    SaeConfig c = SaeConfig.builder(10, 20).activation(Activation.BATCH_TOPK).k(3)
        .sparsity(Sparsity.NONE).noise(Noise.MASK).noiseLevel(0.25f).weightDecay(1e-4f)
        .auxKCoefficient(0.03125f).auxK(7).unitNormDecoder(false).build();
    assertThat(SaeConfig.fromMap(c.toMap()).build()).isEqualTo(c);
  }

  @Test
  void invalidSettingsNameKeyValueAndWhatIsAllowed() {
    assertThatThrownBy(() -> SaeConfig.builder(0, 4).build())
        .hasMessage("input-dim must be >= 1, got 0");
    assertThatThrownBy(() -> SaeConfig.builder(4, 8).activation(Activation.TOPK).k(9).build())
        .hasMessage("k must be in [1, latent-dim=8] for topk, got 9");
    assertThatThrownBy(() -> SaeConfig.builder(4, 8).sparsity(Sparsity.KL).build())
        .hasMessage("sparsity=kl needs activation=sigmoid (mean activations must lie in (0, 1)),"
            + " got activation=relu");
    assertThatThrownBy(() -> SaeConfig.builder(4, 8).klTarget(1f).build())
        .hasMessage("kl-target must be in (0, 1), got 1.0");
    assertThatThrownBy(() -> SaeConfig.builder(4, 8).noise(Noise.MASK).noiseLevel(1f).build())
        .hasMessageContaining("must be in [0, 1), got 1.0");
    assertThatThrownBy(() -> SaeConfig.fromMap(java.util.Map.of("input-dim", "4",
        "latent-dim", "8", "colour", "red"))).hasMessage("unknown model setting 'colour'");
    assertThatThrownBy(() -> Activation.parse("gelu"))
        .hasMessage("unknown activation 'gelu'; allowed: [sigmoid, relu, topk, batch-topk,"
            + " jumprelu]");
  }
}
