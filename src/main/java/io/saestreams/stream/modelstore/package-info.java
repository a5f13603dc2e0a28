/**
 * Model versions on the compacted model topic and in the global store every instance keeps:
 * splitting serialised models into chunks with a CRC-32, reassembling the chunks of each version
 * and exposing a version only once it is complete and intact, and the initial model (version 0)
 * that every instance derives from the configuration alone.
 */
package io.saestreams.stream.modelstore;
