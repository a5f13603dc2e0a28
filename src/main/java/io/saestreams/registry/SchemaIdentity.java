package io.saestreams.registry;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaParseException;

/**
 * Parsing and identity of Avro schemas, shared by the client and the embedded server.
 *
 * <p>Two forms are used. The <em>identity key</em> ({@link #key}) decides when two schema texts
 * are "the same schema" for de-duplication and caching: it is Avro's own compact rendering of the
 * parsed schema, so whitespace, attribute order and {@code "namespace"} versus dotted names do not
 * matter, but defaults, logical types, aliases and docs do. The <em>Parsing Canonical Form</em>
 * ({@link #canonicalForm}) additionally strips defaults, logical types, docs and aliases; it is
 * what decides whether two schemas have the same binary layout ({@link #sameLayout}), but it is
 * deliberately not used as the identity key because two schemas that differ only in a default or
 * a logical type would then share one id and a reader would get the wrong one back.
 */
public final class SchemaIdentity {
  private SchemaIdentity() {}

  /**
   * Parses an Avro schema text.
   *
   * @throws IllegalArgumentException with the parser's reason when the text is not a valid schema
   */
  public static Schema parse(String schemaText) {
    Objects.requireNonNull(schemaText, "schemaText");
    try {
      return new Schema.Parser().setValidateDefaults(true).parse(schemaText);
    } catch (SchemaParseException | org.apache.avro.AvroTypeException e) {
      throw new IllegalArgumentException("invalid Avro schema: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid Avro schema: " + e, e);
    }
  }

  /** The identity key of a schema (see the class comment). */
  public static String key(Schema schema) {
    return Objects.requireNonNull(schema, "schema").toString();
  }

  /** Avro's Parsing Canonical Form of a schema. */
  public static String canonicalForm(Schema schema) {
    return SchemaNormalization.toParsingForm(Objects.requireNonNull(schema, "schema"));
  }

  /** Whether two schemas have the same Parsing Canonical Form, that is the same binary layout. */
  public static boolean sameLayout(Schema a, Schema b) {
    return canonicalForm(a).equals(canonicalForm(b));
  }
}
