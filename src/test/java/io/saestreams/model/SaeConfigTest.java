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
  void tanhL0AndMatryoshkaSettingsRoundTripAndOldFormsStillRead() {
    SaeConfig c = SaeConfig.builder(10, 20).activation(Activation.BATCH_TOPK).k(3)
        .sparsity(Sparsity.NONE).matryoshkaPrefixes(java.util.List.of(4, 12)).build();
    assertThat(c.matryoshkaPrefixes()).containsExactly(4, 12, 20);
    assertThat(c.toMap()).containsEntry("matryoshka-prefixes", "4,12,20");
    assertThat(SaeConfig.fromMap(c.toMap()).build()).isEqualTo(c);
    SaeConfig t = SaeConfig.builder(10, 20).activation(Activation.JUMPRELU)
        .sparsity(Sparsity.parse("tanh-l0")).tanhL0Coefficient(0.5f).tanhL0Scale(2f).build();
    assertThat(t.toMap()).containsEntry("sparsity", "tanh-l0");
    assertThat(SaeConfig.fromMap(t.toMap()).build()).isEqualTo(t);
    // a map written before these settings existed reads with their defaults
    java.util.Map<String, String> old = new java.util.LinkedHashMap<>(c.toMap());
    old.remove("tanh-l0-coefficient");
    old.remove("tanh-l0-scale");
    old.remove("matryoshka-prefixes");
    SaeConfig read = SaeConfig.fromMap(old).build();
    assertThat(read.matryoshka()).isFalse();
    assertThat(read).isEqualTo(c.toBuilder().matryoshkaPrefixes(java.util.List.of()).build());
  }

  @Test
  void preActivationPenaltyRoundTripsIsWrittenOnlyWhenOnAndNeedsAThreshold() {
    SaeConfig j = SaeConfig.builder(10, 20).activation(Activation.JUMPRELU).preActCoefficient(0.003f)
        .build();
    assertThat(j.toMap()).containsEntry("preact-coefficient", "0.003");
    assertThat(SaeConfig.fromMap(j.toMap()).build()).isEqualTo(j);
    SaeConfig r = SaeConfig.builder(10, 20).preActCoefficient(0.5f).build();
    assertThat(SaeConfig.fromMap(r.toMap()).build().preActCoefficient()).isEqualTo(0.5f);
    // off: the text form (and so every checkpoint and model of such a config) is as before
    assertThat(SaeConfig.builder(10, 20).activation(Activation.JUMPRELU).build().toMap())
        .doesNotContainKey("preact-coefficient");
    assertThatThrownBy(() -> SaeConfig.builder(4, 8).activation(Activation.BATCH_TOPK).k(2)
        .preActCoefficient(0.1f).build())
        .hasMessage("preact-coefficient > 0 needs activation=jumprelu or relu (a threshold on the"
            + " pre-activation), got activation=batch-topk");
    assertThatThrownBy(() -> SaeConfig.builder(4, 8).preActCoefficient(-1f).build())
        .hasMessageContaining("preact-coefficient");
  }

  @Test
  void invalidTanhL0AndMatryoshkaSettingsSayWhy() {
    assertThatThrownBy(() -> SaeConfig.builder(4, 8).activation(Activation.TOPK).k(2)
        .sparsity(Sparsity.TANH_L0).build())
        .hasMessage("sparsity=tanh-l0 needs activation=jumprelu or relu, got activation=topk");
    assertThatThrownBy(() -> SaeConfig.builder(4, 8).tanhL0Scale(0f).build())
        .hasMessage("tanh-l0-scale must be > 0, got 0.0");
    assertThatThrownBy(() -> SaeConfig.builder(4, 8).matryoshkaPrefixes(java.util.List.of(4, 2))
        .build())
        .hasMessage("matryoshka-prefixes must be strictly increasing sizes in [1, latent-dim=8],"
            + " got [4, 2]");
    assertThatThrownBy(() -> SaeConfig.builder(4, 8).matryoshkaPrefixes(java.util.List.of(9))
        .build()).hasMessageContaining("got [9]");
    assertThatThrownBy(() -> SaeConfig.builder(4, 8).activation(Activation.TOPK).k(2)
        .matryoshkaPrefixes(java.util.List.of(4)).build())
        .hasMessageContaining("matryoshka-prefixes need dense codes");
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
