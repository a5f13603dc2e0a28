package io.saestreams.registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Confluent's compatibility levels, with the Avro check each one implies.
 *
 * <p>BACKWARD: the new schema can read data written with the latest schema. FORWARD: the latest
 * schema can read data written with the new one. FULL: both. The {@code _TRANSITIVE} variants
 * check against every earlier version instead of only the latest. NONE: no check.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** Whether the level checks against all earlier versions rather than only the latest. */
  public boolean transitive() {
    return transitive;
  }

  /**
   * Parses a level name (case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted values when the name is unknown
   */
  public static CompatibilityLevel parse(String name) {
    if (name != null) {
      String upper = name.trim().toUpperCase(Locale.ROOT);
      for (CompatibilityLevel level : values()) {
        if (level.name().equals(upper)) {
          return level;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown compatibility level '"
            + name
            + "', expected one of "
            + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
  }

  /**
   * Checks a candidate schema against existing versions of a subject.
   *
   * @param candidate the schema about to be registered or tested
   * @param existingOldestFirst the versions to check against, oldest first; for a
   *     non-transitive level only the last one is used
   * @return human-readable descriptions of every incompatibility; empty when compatible
   */
  public List<String> check(Schema candidate, List<Schema> existingOldestFirst) {
    List<String> problems = new ArrayList<>();
    if (this == NONE || existingOldestFirst.isEmpty()) {
      return problems;
    }
    List<Schema> against =
        transitive
            ? existingOldestFirst
            : List.of(existingOldestFirst.get(existingOldestFirst.size() - 1));
    for (Schema existing : against) {
      if (backward) {
        describe(candidate, existing, "new schema cannot read data written with", problems);
      }
      if (forward) {
        describe(existing, candidate, "data written with new schema cannot be read by", problems);
      }
    }
    return problems;
  }

  /** Like {@link #check} but checks against exactly one version whatever the transitivity. */
  public List<String> checkOne(Schema candidate, Schema existing) {
    List<String> problems = new ArrayList<>();
    if (backward) {
      describe(candidate, existing, "new schema cannot read data written with", problems);
    }
    if (forward) {
      describe(existing, candidate, "data written with new schema cannot be read by", problems);
    }
    return problems;
  }

  private static void describe(Schema reader, Schema writer, String what, List<String> out) {
    SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
      String details =
          result.getResult().getIncompatibilities().stream()
              .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
              .collect(Collectors.joining("; "));
      out.add(what + " an existing version (" + details + ")");
    }
  }
}
