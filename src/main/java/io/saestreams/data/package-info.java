/**
 * Sources of vectors for the sparse autoencoder. Every source is a {@link
 * io.saestreams.data.VectorSource}: an iterator of {@link io.saestreams.data.LabelledVector}s that
 * knows its dimension, describes itself for logs and reports, and is closed when the caller is
 * done with it. Three kinds exist: {@link io.saestreams.data.SyntheticDictionary} draws sparse
 * combinations of a known random dictionary (so learned features can be compared with the truth),
 * {@link io.saestreams.data.IdxReader} streams the IDX files of MNIST-like image sets, plain or
 * gzip-compressed, and {@link io.saestreams.data.CsvReader} streams one numeric vector per CSV line.
 * {@link io.saestreams.data.DatasetSpec} turns a command-line word such as {@code idx:/some/dir}
 * into an open source. Files are read lazily, record by record; a malformed file is reported with
 * a {@link io.saestreams.data.DataFileException} that names the file, the position and the fault.
 * This package depends on the JDK only.
 */
package io.saestreams.data;
