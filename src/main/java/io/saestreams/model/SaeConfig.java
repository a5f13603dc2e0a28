package io.saestreams.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Architecture and loss of a sparse autoencoder. Validated on construction; every error names the
 * setting, the value given and what is allowed.
 *
 * @param inputDim d, the input dimension
 * @param latentDim n, the number of latents (dictionary size)
 * @param activation encoder non-linearity
 * @param k active latents per sample for TopK and (on average) for BatchTopK
 * @param thresholdDecay decay of BatchTopK's running inference threshold
 * @param jumpThreshold initial JumpReLU threshold θ
 * @param jumpBandwidth JumpReLU straight-through kernel width ε
 * @param sparsity sparsity penalty
 * @param l1Coefficient λ of the L1 penalty
 * @param l1DecoderNorm whether L1 weights each latent by the norm of its decoder direction
 * @param klTarget target mean activation ρ
 * @param klWeight β of the KL penalty
 * @param klDecay decay of the running average activation ρ̂ (0 = this batch only)
 * @param weightDecay λ of (λ/2)(‖W_enc‖² + ‖W_dec‖²)
 * @param noise denoising corruption of the input
 * @param noiseLevel masking probability or Gaussian standard deviation
 * @param unitNormDecoder keep every decoder direction at unit norm (gradient projected)
 * @param auxKCoefficient weight α of the AuxK loss on dead latents (0 = off)
 * @param auxK latents the AuxK loss may use per sample
 * @param tanhL0Coefficient λ of the tanh-L0 penalty
 * @param tanhL0Scale c of the tanh-L0 penalty, λ·Σ_j tanh(c·h_j·‖W_dec,j‖)
 * @param preActCoefficient λ_p of the pre-activation penalty λ_p·Σ_j ReLU(θ_j − z_j)·‖W_dec,j‖
 *     (θ_j the JumpReLU threshold, 0 for ReLU; 0 = off): it pushes up the pre-activations of
 *     latents that do not fire, against dead latents (Anthropic's 2025 JumpReLU recipe)
 * @param matryoshkaPrefixes Matryoshka prefix sizes m_1 &lt; … &lt; m_P = n (empty = off): the
 *     reconstruction loss is the mean over p of the loss of the first m_p latents alone; n is
 *     appended when the last given size is smaller
 */
public record SaeConfig(
    int inputDim,
    int latentDim,
    Activation activation,
    int k,
    float thresholdDecay,
    float jumpThreshold,
    float jumpBandwidth,
    Sparsity sparsity,
    float l1Coefficient,
    boolean l1DecoderNorm,
    float klTarget,
    float klWeight,
    float klDecay,
    float weightDecay,
    Noise noise,
    float noiseLevel,
    boolean unitNormDecoder,
    float auxKCoefficient,
    int auxK,
    float tanhL0Coefficient,
    float tanhL0Scale,
    float preActCoefficient,
    List<Integer> matryoshkaPrefixes) {

  public SaeConfig {
    positive("input-dim", inputDim);
    positive("latent-dim", latentDim);
    if (activation == null || sparsity == null || noise == null) {
      throw new IllegalArgumentException("activation, sparsity and noise must not be null");
    }
    if (activation.isTopK() && (k < 1 || k > latentDim)) {
      throw new IllegalArgumentException(
          "k must be in [1, latent-dim=" + latentDim + "] for " + activation.configName()
              + ", got " + k);
    }
    unitInterval("threshold-decay", thresholdDecay, true);
    if (!(jumpThreshold > 0) || !Float.isFinite(jumpThreshold)) {
      throw new IllegalArgumentException("jump-threshold must be > 0, got " + jumpThreshold);
    }
    if (!(jumpBandwidth > 0) || !Float.isFinite(jumpBandwidth)) {
      throw new IllegalArgumentException("jump-bandwidth must be > 0, got " + jumpBandwidth);
    }
    nonNegative("l1-coefficient", l1Coefficient);
    if (!(klTarget > 0 && klTarget < 1)) {
      throw new IllegalArgumentException("kl-target must be in (0, 1), got " + klTarget);
    }
    nonNegative("kl-weight", klWeight);
    unitInterval("kl-decay", klDecay, true);
    nonNegative("weight-decay", weightDecay);
    nonNegative("noise-level", noiseLevel);
    if (noise == Noise.MASK && noiseLevel >= 1) {
      throw new IllegalArgumentException(
          "noise-level is a masking probability for noise=mask and must be in [0, 1), got "
              + noiseLevel);
    }
    if (sparsity == Sparsity.KL && activation != Activation.SIGMOID) {
      throw new IllegalArgumentException(
          "sparsity=kl needs activation=sigmoid (mean activations must lie in (0, 1)), got"
              + " activation=" + activation.configName());
    }
    nonNegative("auxk-coefficient", auxKCoefficient);
    if (auxK < 1) {
      throw new IllegalArgumentException("auxk must be >= 1, got " + auxK);
    }
    nonNegative("tanh-l0-coefficient", tanhL0Coefficient);
    if (!(tanhL0Scale > 0) || !Float.isFinite(tanhL0Scale)) {
      throw new IllegalArgumentException("tanh-l0-scale must be > 0, got " + tanhL0Scale);
    }
    if (sparsity == Sparsity.TANH_L0
        && activation != Activation.JUMPRELU && activation != Activation.RELU) {
      throw new IllegalArgumentException(
          "sparsity=tanh-l0 needs activation=jumprelu or relu, got activation="
              + activation.configName());
    }
    nonNegative("preact-coefficient", preActCoefficient);
    if (preActCoefficient > 0 && activation != Activation.JUMPRELU && activation != Activation.RELU) {
      throw new IllegalArgumentException(
          "preact-coefficient > 0 needs activation=jumprelu or relu (a threshold on the"
              + " pre-activation), got activation=" + activation.configName());
    }
    matryoshkaPrefixes = canonicalPrefixes(matryoshkaPrefixes, latentDim);
    if (!matryoshkaPrefixes.isEmpty() && activation == Activation.TOPK) {
      throw new IllegalArgumentException(
          "matryoshka-prefixes need dense codes (batch-topk, jumprelu, relu or sigmoid), got"
              + " activation=topk; use batch-topk");
    }
  }

  /** Checks sizes in [1, n], strictly increasing, and appends n when missing. */
  private static List<Integer> canonicalPrefixes(List<Integer> given, int n) {
    if (given == null || given.isEmpty()) {
      return List.of();
    }
    List<Integer> out = new ArrayList<>(given);
    int last = 0;
    for (int m : out) {
      if (m <= last || m > n) {
        throw new IllegalArgumentException(
            "matryoshka-prefixes must be strictly increasing sizes in [1, latent-dim=" + n
                + "], got " + given);
      }
      last = m;
    }
    if (last < n) {
      out.add(n);
    }
    return List.copyOf(out);
  }

  /** Whether the Matryoshka loss is on (more than one nested prefix). */
  public boolean matryoshka() {
    return matryoshkaPrefixes.size() > 1;
  }

  private static void positive(String key, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(key + " must be >= 1, got " + v);
    }
  }

  private static void nonNegative(String key, float v) {
    if (!(v >= 0) || !Float.isFinite(v)) {
      throw new IllegalArgumentException(key + " must be a finite number >= 0, got " + v);
    }
  }

  private static void unitInterval(String key, float v, boolean openAtOne) {
    if (!(v >= 0) || (openAtOne ? v >= 1 : v > 1)) {
      throw new IllegalArgumentException(
          key + " must be in [0, 1" + (openAtOne ? ")" : "]") + ", got " + v);
    }
  }

  /** Defaults for d inputs and n latents: ReLU with L1, unit-norm decoder, no noise. */
  public static Builder builder(int inputDim, int latentDim) {
    return new Builder(inputDim, latentDim);
  }

  public Builder toBuilder() {
    return fromMap(toMap());
  }

  /** Whether AuxK is on. */
  public boolean auxKEnabled() {
    return auxKCoefficient > 0;
  }

  /** The settings as text, the form checkpoints store (new keys get defaults when read back). */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("input-dim", Integer.toString(inputDim));
    m.put("latent-dim", Integer.toString(latentDim));
    m.put("activation", activation.configName());
    m.put("k", Integer.toString(k));
    m.put("threshold-decay", Float.toString(thresholdDecay));
    m.put("jump-threshold", Float.toString(jumpThreshold));
    m.put("jump-bandwidth", Float.toString(jumpBandwidth));
    m.put("sparsity", sparsity.configName());
    m.put("l1-coefficient", Float.toString(l1Coefficient));
    m.put("l1-decoder-norm", Boolean.toString(l1DecoderNorm));
    m.put("kl-target", Float.toString(klTarget));
    m.put("kl-weight", Float.toString(klWeight));
    m.put("kl-decay", Float.toString(klDecay));
    m.put("weight-decay", Float.toString(weightDecay));
    m.put("noise", noise.name().toLowerCase(java.util.Locale.ROOT));
    m.put("noise-level", Float.toString(noiseLevel));
    m.put("unit-norm-decoder", Boolean.toString(unitNormDecoder));
    m.put("auxk-coefficient", Float.toString(auxKCoefficient));
    m.put("auxk", Integer.toString(auxK));
    // written only when in use, so that a model without them has the bytes it had before they
    // existed (fromMap gives absent keys their defaults)
    if (sparsity == Sparsity.TANH_L0) {
      m.put("tanh-l0-coefficient", Float.toString(tanhL0Coefficient));
      m.put("tanh-l0-scale", Float.toString(tanhL0Scale));
    }
    if (preActCoefficient > 0) {
      m.put("preact-coefficient", Float.toString(preActCoefficient));
    }
    if (matryoshkaPrefixes.size() > 1) {
      m.put("matryoshka-prefixes", joinPrefixes(matryoshkaPrefixes));
    }
    return m;
  }

  /** Reads {@link #toMap()}'s form; absent keys keep their defaults, unknown keys are errors. */
  public static Builder fromMap(Map<String, String> m) {
    Builder b = new Builder(intOf(m, "input-dim"), intOf(m, "latent-dim"));
    for (Map.Entry<String, String> e : m.entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "input-dim", "latent-dim" -> { }
        case "activation" -> b.activation(Activation.parse(v));
        case "k" -> b.k(Integer.parseInt(v));
        case "threshold-decay" -> b.thresholdDecay(Float.parseFloat(v));
        case "jump-threshold" -> b.jumpThreshold(Float.parseFloat(v));
        case "jump-bandwidth" -> b.jumpBandwidth(Float.parseFloat(v));
        case "sparsity" -> b.sparsity(Sparsity.parse(v));
        case "l1-coefficient" -> b.l1Coefficient(Float.parseFloat(v));
        case "l1-decoder-norm" -> b.l1DecoderNorm(Boolean.parseBoolean(v));
        case "kl-target" -> b.klTarget(Float.parseFloat(v));
        case "kl-weight" -> b.klWeight(Float.parseFloat(v));
        case "kl-decay" -> b.klDecay(Float.parseFloat(v));
        case "weight-decay" -> b.weightDecay(Float.parseFloat(v));
        case "noise" -> b.noise(Noise.parse(v));
        case "noise-level" -> b.noiseLevel(Float.parseFloat(v));
        case "unit-norm-decoder" -> b.unitNormDecoder(Boolean.parseBoolean(v));
        case "auxk-coefficient" -> b.auxKCoefficient(Float.parseFloat(v));
        case "auxk" -> b.auxK(Integer.parseInt(v));
        case "tanh-l0-coefficient" -> b.tanhL0Coefficient(Float.parseFloat(v));
        case "tanh-l0-scale" -> b.tanhL0Scale(Float.parseFloat(v));
        case "preact-coefficient" -> b.preActCoefficient(Float.parseFloat(v));
        case "matryoshka-prefixes" -> b.matryoshkaPrefixes(parsePrefixes(v));
        default -> throw new IllegalArgumentException("unknown model setting '" + e.getKey() + "'");
      }
    }
    return b;
  }

  /** Sizes as {@code 64,256,1024} (empty string = none). */
  public static String joinPrefixes(List<Integer> prefixes) {
    StringBuilder sb = new StringBuilder();
    for (int m : prefixes) {
      sb.append(sb.length() == 0 ? "" : ",").append(m);
    }
    return sb.toString();
  }

  /** Parses {@link #joinPrefixes}' form; blanks are ignored. */
  public static List<Integer> parsePrefixes(String s) {
    List<Integer> out = new ArrayList<>();
    for (String part : s.split(",")) {
      if (!part.isBlank()) {
        out.add(Integer.parseInt(part.trim()));
      }
    }
    return out;
  }

  private static int intOf(Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("model setting '" + key + "' is missing");
    }
    return Integer.parseInt(v);
  }

  /** Mutable builder with defaults. */
  public static final class Builder {
    private final int inputDim;
    private final int latentDim;
    private Activation activation = Activation.RELU;
    private int k = 32;
    private float thresholdDecay = 0.99f;
    private float jumpThreshold = 0.05f;
    private float jumpBandwidth = 0.05f;
    private Sparsity sparsity = Sparsity.L1;
    private float l1Coefficient = 1e-3f;
    private boolean l1DecoderNorm = false;
    private float klTarget = 0.05f;
    private float klWeight = 0.1f;
    private float klDecay = 0.9f;
    private float weightDecay = 0f;
    private Noise noise = Noise.NONE;
    private float noiseLevel = 0f;
    private boolean unitNormDecoder = true;
    private float auxKCoefficient = 0f;
    private int auxK = 256;
    private float tanhL0Coefficient = 0.01f;
    private float tanhL0Scale = 4f;
    private float preActCoefficient = 0f;
    private List<Integer> matryoshkaPrefixes = List.of();

    private Builder(int inputDim, int latentDim) {
      this.inputDim = inputDim;
      this.latentDim = latentDim;
    }

    public Builder activation(Activation v) {
      activation = v;
      return this;
    }

    public Builder k(int v) {
      k = v;
      return this;
    }

    public Builder thresholdDecay(float v) {
      thresholdDecay = v;
      return this;
    }

    public Builder jumpThreshold(float v) {
      jumpThreshold = v;
      return this;
    }

    public Builder jumpBandwidth(float v) {
      jumpBandwidth = v;
      return this;
    }

    public Builder sparsity(Sparsity v) {
      sparsity = v;
      return this;
    }

    public Builder l1Coefficient(float v) {
      l1Coefficient = v;
      return this;
    }

    public Builder l1DecoderNorm(boolean v) {
      l1DecoderNorm = v;
      return this;
    }

    public Builder klTarget(float v) {
      klTarget = v;
      return this;
    }

    public Builder klWeight(float v) {
      klWeight = v;
      return this;
    }

    public Builder klDecay(float v) {
      klDecay = v;
      return this;
    }

    public Builder weightDecay(float v) {
      weightDecay = v;
      return this;
    }

    public Builder noise(Noise v) {
      noise = v;
      return this;
    }

    public Builder noiseLevel(float v) {
      noiseLevel = v;
      return this;
    }

    public Builder unitNormDecoder(boolean v) {
      unitNormDecoder = v;
      return this;
    }

    public Builder auxKCoefficient(float v) {
      auxKCoefficient = v;
      return this;
    }

    public Builder auxK(int v) {
      auxK = v;
      return this;
    }

    public Builder tanhL0Coefficient(float v) {
      tanhL0Coefficient = v;
      return this;
    }

    public Builder tanhL0Scale(float v) {
      tanhL0Scale = v;
      return this;
    }

    /** λ_p of the pre-activation penalty (0 = off; jumprelu or relu). */
    public Builder preActCoefficient(float v) {
      preActCoefficient = v;
      return this;
    }

    /** Nested prefix sizes for the Matryoshka loss (empty = off). */
    public Builder matryoshkaPrefixes(List<Integer> v) {
      matryoshkaPrefixes = v == null ? List.of() : List.copyOf(v);
      return this;
    }

    public SaeConfig build() {
      return new SaeConfig(
          inputDim, latentDim, activation, k, thresholdDecay, jumpThreshold, jumpBandwidth,
          sparsity, l1Coefficient, l1DecoderNorm, klTarget, klWeight, klDecay, weightDecay, noise,
          noiseLevel, unitNormDecoder, auxKCoefficient, auxK, tanhL0Coefficient, tanhL0Scale,
          preActCoefficient, matryoshkaPrefixes);
    }
  }
}
