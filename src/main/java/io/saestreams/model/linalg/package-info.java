/**
 * Dense and sparse single-precision matrix products for the sparse autoencoder.
 *
 * <p>Every matrix in this package is a row-major {@code float} matrix stored in a flat
 * {@code float[]} together with an offset and a leading dimension (the distance between the
 * starts of two consecutive rows), as in BLAS but row-major. {@link io.saestreams.model.linalg.Gemm}
 * is the general matrix multiply {@code C = alpha*op(A)*op(B) + beta*C} with several backends:
 * a naive reference ({@link io.saestreams.model.linalg.NaiveGemm}), EJML
 * ({@link io.saestreams.model.linalg.EjmlGemm}), a cache- and register-blocked pure Java kernel
 * written so that HotSpot C2 auto-vectorizes it ({@link io.saestreams.model.linalg.JavaGemm}), and
 * the system's native OpenBLAS through netlib-java ({@link io.saestreams.model.linalg.NativeGemm}),
 * the OpenBLAS bundled in the jar through JavaCPP ({@link io.saestreams.model.linalg.BundledGemm}),
 * and a Vector API kernel ({@code VectorGemm} in {@code src/main/vector-api}, found by
 * {@code VectorKernel} when the JVM has {@code jdk.incubator.vector}).
 * {@link io.saestreams.model.linalg.Gemms} picks one by name. {@link io.saestreams.model.linalg.SparseOps}
 * holds the products with TopK sparse codes (decode, weight-gradient accumulation and gathered dot
 * products) that a sparse autoencoder training step needs besides dense GEMM.
 *
 * <p>This package depends only on {@code java.*}, EJML, netlib-java and JavaCPP's OpenBLAS, so it can be tested and
 * benchmarked on its own.
 */
package io.saestreams.model.linalg;
