package io.saestreams.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The configurations of a hyperparameter sweep: for each chosen family the product of its own axes
 * (TopK: k; ReLU + L1: λ; sigmoid + KL: β × ρ), each crossed with every learning rate, in that
 * order (family, then its axes in the order given, learning rate innermost).
 */
final class SweepGrid {
  /** The families of sparsity mechanism a sweep compares. */
  enum Family {
    TOPK("topk", "topk", "none"),
    RELU_L1("relu+l1", "relu", "l1"),
    SIGMOID_KL("sigmoid+kl", "sigmoid", "kl");

    final String label;
    final String activation;
    final String sparsity;

    Family(String label, String activation, String sparsity) {
      this.label = label;
      this.activation = activation;
      this.sparsity = sparsity;
    }

    static Family parse(String s) {
      String v = s.strip().toLowerCase(Locale.ROOT);
      return switch (v) {
        case "topk" -> TOPK;
        case "relu+l1", "relu-l1", "l1" -> RELU_L1;
        case "sigmoid+kl", "sigmoid-kl", "kl" -> SIGMOID_KL;
        default -> throw new IllegalArgumentException("unknown family '" + s
            + "'; allowed: topk, relu+l1 (or l1), sigmoid+kl (or kl)");
      };
    }
  }

  /**
   * One configuration; the parameters its family does not use are 0.
   *
   * @param k active latents per sample (TopK)
   * @param l1 the L1 coefficient λ (ReLU + L1)
   * @param klWeight the KL weight β (sigmoid + KL)
   * @param klTarget the KL target ρ (sigmoid + KL)
   */
  record Config(Family family, int k, float l1, float klWeight, float klTarget,
      float learningRate) {
    /** A short ASCII description, e.g. {@code topk k=8 lr=0.001}. */
    String label() {
      String p = switch (family) {
        case TOPK -> "k=" + k;
        case RELU_L1 -> "l1=" + num(l1);
        case SIGMOID_KL -> "beta=" + num(klWeight) + " rho=" + num(klTarget);
      };
      return family.label + " " + p + " lr=" + num(learningRate);
    }

    /** The evaluate-style model options of this configuration, on top of {@code common}. */
    List<String> modelArgs(List<String> common) {
      List<String> args = new ArrayList<>(common);
      args.addAll(List.of("--activation", family.activation, "--sparsity", family.sparsity,
          "--learning-rate", Float.toString(learningRate)));
      switch (family) {
        case TOPK -> args.addAll(List.of("--k", Integer.toString(k)));
        case RELU_L1 -> args.addAll(List.of("--l1", Float.toString(l1)));
        case SIGMOID_KL -> args.addAll(List.of("--kl-weight", Float.toString(klWeight),
            "--kl-target", Float.toString(klTarget)));
      }
      return args;
    }
  }

  private SweepGrid() {}

  /** A float as short as it reads back: 0.001, 0.3, 1, 1e-05. */
  static String num(float v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e6) {
      return Long.toString((long) v);
    }
    String s = Float.toString(v);
    if (s.contains("E")) {
      String[] parts = s.split("E");
      String m = parts[0].endsWith(".0") ? parts[0].substring(0, parts[0].length() - 2) : parts[0];
      int e = Integer.parseInt(parts[1]);
      return m + "e" + (e < 0 ? "-" : "+") + (Math.abs(e) < 10 ? "0" : "") + Math.abs(e);
    }
    return s;
  }

  /** The grid, in the order described in the class comment. */
  static List<Config> build(List<Family> families, List<Integer> ks, List<Float> l1s,
      List<Float> klWeights, List<Float> klTargets, List<Float> learningRates) {
    List<Config> out = new ArrayList<>();
    for (Family f : new LinkedHashSet<>(families)) {
      switch (f) {
        case TOPK -> {
          for (int k : ks) {
            for (float lr : learningRates) {
              out.add(new Config(f, k, 0, 0, 0, lr));
            }
          }
        }
        case RELU_L1 -> {
          for (float l1 : l1s) {
            for (float lr : learningRates) {
              out.add(new Config(f, 0, l1, 0, 0, lr));
            }
          }
        }
        case SIGMOID_KL -> {
          for (float b : klWeights) {
            for (float rho : klTargets) {
              for (float lr : learningRates) {
                out.add(new Config(f, 0, 0, b, rho, lr));
              }
            }
          }
        }
      }
    }
    return out;
  }

  /** Parses a comma-separated list, naming the option in the error. */
  static <T> List<T> parseList(String option, String value, Function<String, T> parse) {
    List<T> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String part : value.split(",", -1)) {
      String p = part.strip();
      if (p.isEmpty()) {
        throw new IllegalArgumentException(option + " '" + value + "' has an empty entry");
      }
      if (!seen.add(p)) {
        throw new IllegalArgumentException(option + " '" + value + "' lists " + p + " twice");
      }
      try {
        out.add(parse.apply(p));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " '" + value + "': '" + p
            + "' is not a number", e);
      }
    }
    return out;
  }
}
