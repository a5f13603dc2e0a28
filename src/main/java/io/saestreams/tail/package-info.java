/**
 * High quantiles of a stream, estimated online: the alert threshold of a detector that must flag
 * normal records at a false-alarm rate q the user chooses. {@link io.saestreams.tail.TailQuantile}
 * keeps the peaks over a high initial threshold (peaks over threshold, as in SPOT/DSPOT, Siffer et
 * al., KDD 2017) in a window that follows drift, and reads the (1 − q) quantile from them: the
 * empirical quantile when the window holds enough exceedances of it, otherwise the quantile of a
 * generalised Pareto distribution ({@link io.saestreams.tail.Gpd}) fitted by maximum likelihood
 * ({@link io.saestreams.tail.GpdFit}). Pure Java, deterministic, free of Kafka.
 */
package io.saestreams.tail;
