/**
 * Live queries over HTTP, served on the metrics endpoint's address: {@code POST /encode} encodes
 * one vector with the newest complete model version in this instance's global model store (the
 * scorers' code path, without writing to Kafka or touching the anomaly detector), {@code GET
 * /model} describes that version, and {@code GET /latents/{j}} one of its latents. Requests run
 * on a thread of their own, so that a slow query never holds up a scrape or a health probe.
 */
package io.saestreams.stream.query;
