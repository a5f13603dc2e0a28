package io.saestreams.cli;

import io.saestreams.model.linalg.Gemm;
import io.saestreams.model.linalg.Gemms;
import picocli.CommandLine.Option;

/** {@code --gemm}: which matrix-multiply backend to use. */
final class GemmOption {
  @Option(names = "--gemm", defaultValue = "auto", description = "Matrix backend: auto, openblas-bundled, native, java-vector, java or ejml (default: ${DEFAULT-VALUE}; auto = the OpenBLAS bundled in the jar when it loads, else the system's OpenBLAS when present, else pure Java: java-vector when started by bin/sae-streams, else java).")
  String gemm;

  Gemm create() {
    return Gemms.create(gemm);
  }
}
