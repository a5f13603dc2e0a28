package io.saestreams.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject as the registry reports it.
 *
 * @param subject the subject name
 * @param id the global schema id
 * @param version the version of the schema within the subject, starting at 1
 * @param schema the parsed Avro schema
 */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {
  public RegisteredSchema {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
    if (id < 0) {
      throw new IllegalArgumentException("schema id must be >= 0, was " + id);
    }
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
  }
}
