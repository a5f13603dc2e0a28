package io.saestreams.cli;

import io.saestreams.model.Activation;
import io.saestreams.model.LrSchedule;
import io.saestreams.model.OptimizerConfig;
import io.saestreams.model.OptimizerKind;
import io.saestreams.model.SaeConfig;
import io.saestreams.model.Sparsity;
import io.saestreams.train.Revival;
import io.saestreams.train.TrainerConfig;
import picocli.CommandLine.Option;

/** Model and trainer options shared by the commands that train. */
final class ModelOptions {
  @Option(names = "--latents", defaultValue = "1024", description = "Number of latents n (default: ${DEFAULT-VALUE}).")
  int latents;

  @Option(names = "--activation", defaultValue = "topk", description = "sigmoid, relu, topk, batch-topk or jumprelu (default: ${DEFAULT-VALUE}).")
  String activation;

  @Option(names = "--k", defaultValue = "8", description = "Active latents per sample for topk/batch-topk (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--sparsity", defaultValue = "auto", description = "none, l1, kl or tanh-l0; auto = none for topk activations, kl for sigmoid, l1 otherwise.")
  String sparsity;

  @Option(names = "--tanh-l0", defaultValue = "0.01", description = "Coefficient lambda of --sparsity tanh-l0 (default: ${DEFAULT-VALUE}).")
  float tanhL0;

  @Option(names = "--tanh-l0-scale", defaultValue = "4", description = "Scale c of --sparsity tanh-l0 (default: ${DEFAULT-VALUE}).")
  float tanhL0Scale;

  @Option(names = "--preact", defaultValue = "0", description = "Coefficient of the pre-activation penalty sum_j ReLU(theta_j - z_j)*||W_dec,j|| (jumprelu or relu; 0 = off, the default).")
  float preAct;

  @Option(names = "--matryoshka-prefixes", defaultValue = "", description = "Matryoshka nested dictionary sizes, e.g. 64,256 (--latents is appended; with batch-topk, relu or jumprelu; default: off).")
  String matryoshkaPrefixes;

  @Option(names = "--l1", defaultValue = "0.003", description = "L1 coefficient (default: ${DEFAULT-VALUE}).")
  float l1;

  @Option(names = "--kl-target", defaultValue = "0.05", description = "KL target mean activation rho (default: ${DEFAULT-VALUE}).")
  float klTarget;

  @Option(names = "--kl-weight", defaultValue = "0.1", description = "KL weight beta (default: ${DEFAULT-VALUE}).")
  float klWeight;

  @Option(names = "--batch-size", defaultValue = "256", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, momentum, rmsprop or adam (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--learning-rate", defaultValue = "0.001", description = "Learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--revival", defaultValue = "reinit", description = "Dead-latent revival: none, auxk or reinit (default: ${DEFAULT-VALUE}).")
  String revival;

  @Option(names = "--dead-window", defaultValue = "50000", description = "A latent that has not fired in this many samples is dead (default: ${DEFAULT-VALUE}).")
  int deadWindow;

  @Option(names = "--revival-interval", defaultValue = "5", description = "Steps between dead-latent re-initialisation passes (default: ${DEFAULT-VALUE}).")
  int revivalInterval;

  @Option(names = "--seed", defaultValue = "42", description = "The one seed every random choice derives from (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--normalise-input", description = "Centre inputs on their running mean and scale them to E||x|| = sqrt(d), as train.normalise.input.")
  boolean normaliseInput;

  @Option(names = "--lr-warmup-steps", defaultValue = "0", description = "Steps of linear learning-rate warm-up, as train.warmup.steps (default: ${DEFAULT-VALUE}).")
  int warmupSteps;

  @Option(names = "--lr-schedule", defaultValue = "constant", description = "Learning rate after warm-up: constant, cosine or linear, as train.lr.schedule (default: ${DEFAULT-VALUE}).")
  String lrSchedule;

  @Option(names = "--lr-decay-steps", defaultValue = "0", description = "Steps of the decay to the floor, as train.lr.decay.steps (default: ${DEFAULT-VALUE}).")
  int lrDecaySteps;

  @Option(names = "--lr-floor", defaultValue = "0", description = "Final learning rate as a fraction of --learning-rate, as train.lr.floor (default: ${DEFAULT-VALUE}).")
  float lrFloor;

  @Option(names = "--sparsity-warmup-steps", defaultValue = "0", description = "Steps over which the sparsity coefficient ramps from 0, as sae.sparsity.warmup.steps (default: ${DEFAULT-VALUE}).")
  int sparsityWarmupSteps;

  /** The trainer configuration for inputs of dimension {@code d}. */
  TrainerConfig trainerConfig(int d) {
    Activation act = Activation.parse(activation);
    Sparsity sp;
    if (sparsity.equalsIgnoreCase("auto")) {
      sp = act.isTopK() ? Sparsity.NONE : act == Activation.SIGMOID ? Sparsity.KL : Sparsity.L1;
    } else {
      sp = Sparsity.parse(sparsity);
    }
    Revival rev = Revival.parse(revival);
    SaeConfig.Builder model = SaeConfig.builder(d, latents).activation(act).k(k).sparsity(sp)
        .l1Coefficient(l1).klTarget(klTarget).klWeight(klWeight).tanhL0Coefficient(tanhL0)
        .tanhL0Scale(tanhL0Scale).preActCoefficient(preAct).matryoshkaPrefixes(SaeConfig.parsePrefixes(matryoshkaPrefixes));
    if (rev == Revival.AUXK) {
      model.auxKCoefficient(1f / 32).auxK(Math.min(512, latents));
    }
    OptimizerConfig opt = OptimizerConfig.of(OptimizerKind.parse(optimizer), learningRate)
        .withWarmup(warmupSteps)
        .withSchedule(new LrSchedule(LrSchedule.Kind.parse(lrSchedule), lrDecaySteps, lrFloor));
    return TrainerConfig.defaults(model.build()).withOptimizer(opt).withBatchSize(batchSize)
        .withSeed(seed).withRevival(rev, deadWindow, revivalInterval)
        .withRecipe(normaliseInput, sparsityWarmupSteps);
  }
}
