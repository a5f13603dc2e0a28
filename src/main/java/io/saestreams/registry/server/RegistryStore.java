package io.saestreams.registry.server;

import io.saestreams.registry.CompatibilityLevel;
import io.saestreams.registry.SchemaIdentity;
import io.saestreams.registry.server.SchemaRequest.Reference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The registry's state and every rule that changes it, with Confluent's semantics; the HTTP
 * handlers only translate requests and JSON. All methods are {@code synchronized}: one lock for
 * the whole state, which is plenty for a test and demo registry.
 *
 * <p>Schemas are stored once per identity (the schema text as rendered below plus its
 * references) and get global ids increasing from 1. An id stays reserved for its schema after
 * every version holding it was permanently deleted: {@code GET /schemas/ids/{id}} then answers
 * 40403, and registering the same schema again brings the same id back, as in Confluent.
 */
final class RegistryStore {
  /** Version text {@code "latest"} (or {@code -1}) parsed by {@link #parseVersion}. */
  static final int LATEST = -1;

  /** A registered schema: its id, its stored text and references, and the fully resolved parse. */
  record Stored(int id, String text, List<Reference> references, Schema parsed, String key) {}

  /** A schema as a request gives it, resolved against the references and rendered for storage. */
  record Candidate(String text, List<Reference> references, Schema parsed, String key) {}

  /** One version of a subject. */
  static final class Version {
    final int number;
    final Stored schema;
    boolean deleted;

    Version(int number, Stored schema) {
      this.number = number;
      this.schema = schema;
    }
  }

  private static final class Subject {
    final List<Version> versions = new ArrayList<>();
    CompatibilityLevel level;

    List<Version> live() {
      return versions.stream().filter(v -> !v.deleted).toList();
    }

    List<Version> visible(boolean includeDeleted) {
      return includeDeleted ? versions : live();
    }

    int nextVersion() {
      return versions.isEmpty() ? 1 : versions.get(versions.size() - 1).number + 1;
    }
  }

  private final Map<String, Stored> byKey = new LinkedHashMap<>();
  private final Map<Integer, Stored> byId = new LinkedHashMap<>();
  private final Map<String, Subject> subjects = new TreeMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
  private int nextId = 1;

  /** Parses a version path segment: a number in [1, 2^31-1], or {@code latest}/{@code -1}. */
  static int parseVersion(String text) {
    if (text.equals("latest") || text.equals("-1")) {
      return LATEST;
    }
    try {
      int v = Integer.parseInt(text);
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.invalidVersion(text);
  }

  // ------------------------------------------------------------------ reading

  synchronized List<String> subjectNames(boolean includeDeleted) {
    List<String> out = new ArrayList<>();
    subjects.forEach(
        (name, s) -> {
          if (!s.visible(includeDeleted).isEmpty()) {
            out.add(name);
          }
        });
    return out;
  }

  synchronized List<Integer> versionNumbers(String subject, boolean includeDeleted) {
    return existing(subject, includeDeleted).visible(includeDeleted).stream().map(v -> v.number).toList();
  }

  /** A version for GET: 40401 when the subject has none visible, 40402 when not that one. */
  synchronized Version version(String subject, int version, boolean includeDeleted) {
    List<Version> candidates = existing(subject, includeDeleted).visible(includeDeleted);
    Version found = pick(candidates, version);
    if (found == null) {
      throw ApiError.versionNotFound(version);
    }
    return found;
  }

  /** The schema with the id while any version (live or soft-deleted) holds it; else 40403. */
  synchronized Stored schemaById(int id) {
    Stored s = byId.get(id);
    if (s == null || holders(v -> v.schema.id() == id).isEmpty()) {
      throw ApiError.schemaNotFound(id);
    }
    return s;
  }

  /** The subject versions holding an id, live only unless {@code includeDeleted}. */
  synchronized Map<String, List<Integer>> versionsOfId(int id, boolean includeDeleted) {
    schemaById(id);
    Map<String, List<Integer>> out = new LinkedHashMap<>();
    subjects.forEach(
        (name, s) ->
            s.visible(includeDeleted).stream()
                .filter(v -> v.schema.id() == id)
                .forEach(v -> out.computeIfAbsent(name, k -> new ArrayList<>()).add(v.number)));
    return out;
  }

  /** Ids of the live schemas whose references name the subject version (which must exist). */
  synchronized List<Integer> referencedBy(String subject, int version) {
    Version target = version(subject, version, true);
    return referrers(subject, target.number, false).stream().map(v -> v.schema.id()).distinct().sorted().toList();
  }

  /** The version under the subject whose schema is the requested one (40401 / 40403 otherwise). */
  synchronized Version lookup(String subject, SchemaRequest request, boolean normalize, boolean includeDeleted) {
    Subject s = existing(subject, includeDeleted);
    Candidate c = candidate(request, normalize);
    Version found = matching(s.visible(includeDeleted), c, normalize);
    if (found == null) {
      throw ApiError.schemaNotFound();
    }
    return found;
  }

  // ------------------------------------------------------------------ registering

  /**
   * Registers a schema under a subject, following Confluent's READWRITE mode: an existing live
   * version with the same schema is returned unless the request's explicit id or version
   * contradicts it; an explicit id is otherwise refused (42205: there is no IMPORT mode), and an
   * explicit version must be the next version number (42201 otherwise).
   */
  synchronized Version register(String subject, SchemaRequest request, boolean normalize) {
    Candidate c = candidate(request, normalize);
    Subject s = subjects.get(subject);
    List<Version> live = s == null ? List.of() : s.live();
    Version same = matching(live, c, normalize);
    Integer wantedId = request.id();
    int wantedVersion = request.version();
    if (same != null) {
      if (wantedVersion <= 0 && (wantedId == null || wantedId == same.schema.id())) {
        return same;
      }
      if (wantedVersion > 0 && wantedId != null && wantedId == same.schema.id()) {
        Version asked = pick(live, wantedVersion);
        if (asked != null && asked.schema.id() == same.schema.id()) {
          return asked;
        }
      }
    }
    if (wantedId != null) {
      throw ApiError.operationNotPermitted(
          "Subject "
              + subject
              + " is not in import mode: this registry has no IMPORT mode, so an explicit id ("
              + wantedId
              + ") is accepted only when the subject already holds this schema under that id");
    }
    CompatibilityLevel level = levelOf(s);
    List<String> problems = level.check(c.parsed(), live.stream().map(v -> v.schema.parsed()).toList());
    if (!problems.isEmpty()) {
      throw new ApiError(
          409,
          ApiError.INCOMPATIBLE_SCHEMA,
          "Schema being registered is incompatible with an earlier schema for subject \""
              + subject
              + "\" under compatibility level "
              + level
              + ", details: "
              + problems);
    }
    int next = s == null ? 1 : s.nextVersion();
    if (wantedVersion > 0 && wantedVersion != next) {
      throw ApiError.invalidSchema(
          "Version is not one more than previous version (requested version " + wantedVersion + ", next is " + next + ")");
    }
    Stored stored = byKey.computeIfAbsent(c.key(), k -> newStored(c));
    Subject target = subjects.computeIfAbsent(subject, k -> new Subject());
    // Confluent drops earlier soft-deleted versions of the same schema when it comes back.
    target.versions.removeIf(
        v -> v.deleted && v.schema.id() == stored.id() && referrers(subject, v.number, true).isEmpty());
    Version created = new Version(next, stored);
    target.versions.add(created);
    return created;
  }

  private Stored newStored(Candidate c) {
    Stored stored = new Stored(nextId++, c.text(), c.references(), c.parsed(), c.key());
    byId.put(stored.id(), stored);
    return stored;
  }

  /** Parses a request's schema with its references resolved; 42201 for anything invalid. */
  synchronized Candidate candidate(SchemaRequest request, boolean normalize) {
    Map<String, Schema> known = new LinkedHashMap<>();
    List<Reference> references = new ArrayList<>();
    for (Reference ref : request.references()) {
      Version target = referenced(ref);
      references.add(new Reference(ref.name(), ref.subject(), target.number));
      collectNamed(target.schema.parsed(), known, ref);
    }
    Schema parsed;
    try {
      parsed = new Schema.Parser().setValidateDefaults(true).addTypes(known.values()).parse(request.schema());
    } catch (SchemaParseException | org.apache.avro.AvroTypeException e) {
      throw ApiError.invalidSchema("Invalid schema " + abbreviate(request.schema()) + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw ApiError.invalidSchema("Invalid schema " + abbreviate(request.schema()) + ": " + e);
    }
    String text = known.isEmpty() ? SchemaIdentity.key(parsed) : parsed.toString(known.values(), false);
    List<Reference> stored = references;
    if (normalize) {
      // Confluent's normalisation also sorts and de-duplicates the references.
      text = AvroNormalForm.of(text);
      stored = sortedDistinct(references);
    }
    return new Candidate(text, List.copyOf(stored), parsed, key(text, stored));
  }

  private static String key(String text, List<Reference> references) {
    return references.isEmpty() ? text : text + " references " + references;
  }

  /**
   * The version a reference names: an explicit number may be soft-deleted (data written with the
   * referrer must stay readable), {@code -1} means the latest live version and is stored resolved.
   */
  private Version referenced(Reference ref) {
    Subject s = subjects.get(ref.subject());
    Version v = null;
    if (s != null && ref.version() == LATEST) {
      v = pick(s.live(), LATEST);
    } else if (s != null && ref.version() >= 1) {
      v = pick(s.versions, ref.version());
    }
    if (v == null) {
      throw ApiError.invalidSchema(
          "Invalid schema: reference '"
              + ref.name()
              + "' names subject '"
              + ref.subject()
              + "' version "
              + ref.version()
              + ", which is not registered");
    }
    return v;
  }

  /** Adds every named type a referenced schema defines (nested ones too) to {@code known}. */
  private static void collectNamed(Schema schema, Map<String, Schema> known, Reference ref) {
    switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> {
        Schema earlier = known.get(schema.getFullName());
        if (earlier != null) {
          if (!earlier.equals(schema)) {
            throw ApiError.invalidSchema(
                "Invalid schema: reference '" + ref.name() + "' defines " + schema.getFullName() + " differently from another reference");
          }
          return;
        }
        known.put(schema.getFullName(), schema);
        if (schema.getType() == Schema.Type.RECORD) {
          schema.getFields().forEach(f -> collectNamed(f.schema(), known, ref));
        }
      }
      case ARRAY -> collectNamed(schema.getElementType(), known, ref);
      case MAP -> collectNamed(schema.getValueType(), known, ref);
      case UNION -> schema.getTypes().forEach(t -> collectNamed(t, known, ref));
      default -> {
        // primitives define no names
      }
    }
  }

  // ------------------------------------------------------------------ compatibility

  /**
   * Incompatibilities of a candidate against one version ({@code version} given) or against the
   * subject's live history ({@code version} null), under the subject's level. A subject without
   * live versions is compatible with anything when asked for all versions or {@code latest}; an
   * explicit version number that does not exist is 40402, as in Confluent 6 and later.
   */
  synchronized List<String> compatibility(String subject, Integer version, Candidate candidate) {
    Subject s = subjects.get(subject);
    List<Version> live = s == null ? List.of() : s.live();
    CompatibilityLevel level = levelOf(s);
    if (version == null) {
      return level.check(candidate.parsed(), live.stream().map(v -> v.schema.parsed()).toList());
    }
    Version against = pick(live, version);
    if (against == null) {
      if (version == LATEST) {
        return List.of();
      }
      throw ApiError.versionNotFound(version);
    }
    return level.checkOne(candidate.parsed(), against.schema.parsed());
  }

  // ------------------------------------------------------------------ deleting

  /** Soft or permanent delete of one version; returns its number. */
  synchronized int deleteVersion(String subject, int version, boolean permanent) {
    Subject s = subjects.get(subject);
    if (s == null || s.versions.isEmpty()) {
      throw ApiError.subjectNotFound(subject);
    }
    Version v;
    if (version == LATEST && !permanent) {
      List<Version> live = s.live();
      v = live.isEmpty() ? last(s.versions) : last(live);
    } else {
      v = pick(s.versions, version);
    }
    if (v == null) {
      throw ApiError.versionNotFound(version);
    }
    if (!permanent && v.deleted) {
      throw ApiError.versionSoftDeleted(subject, v.number);
    }
    if (permanent && !v.deleted) {
      throw ApiError.versionNotSoftDeleted(subject, v.number);
    }
    if (!referrers(subject, v.number, permanent).isEmpty()) {
      throw ApiError.referenceExists(subject, v.number);
    }
    if (permanent) {
      s.versions.remove(v);
      if (s.versions.isEmpty()) {
        subjects.remove(subject);
      }
    } else {
      v.deleted = true;
    }
    return v.number;
  }

  /** Soft delete of every live version, or permanent delete of an all-soft-deleted subject. */
  synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
    Subject s = subjects.get(subject);
    if (s == null || s.versions.isEmpty()) {
      throw ApiError.subjectNotFound(subject);
    }
    List<Version> affected = permanent ? List.copyOf(s.versions) : s.live();
    if (!permanent && affected.isEmpty()) {
      throw ApiError.subjectSoftDeleted(subject);
    }
    if (permanent && !s.live().isEmpty()) {
      throw ApiError.subjectNotSoftDeleted(subject);
    }
    for (Version v : affected) {
      boolean fromElsewhere =
          referrers(subject, v.number, permanent).stream().anyMatch(r -> !s.versions.contains(r));
      if (fromElsewhere) {
        throw ApiError.referenceExists(subject, v.number);
      }
    }
    if (permanent) {
      subjects.remove(subject);
    } else {
      affected.forEach(v -> v.deleted = true);
    }
    return affected.stream().map(v -> v.number).toList();
  }

  // ------------------------------------------------------------------ config

  synchronized CompatibilityLevel globalLevel() {
    return globalLevel;
  }

  synchronized void setGlobalLevel(CompatibilityLevel level) {
    globalLevel = Objects.requireNonNull(level);
  }

  /** The subject's own level, or {@code null} when it has none. */
  synchronized CompatibilityLevel subjectLevel(String subject) {
    Subject s = subjects.get(subject);
    return s == null ? null : s.level;
  }

  synchronized void setSubjectLevel(String subject, CompatibilityLevel level) {
    subjects.computeIfAbsent(subject, k -> new Subject()).level = Objects.requireNonNull(level);
  }

  /** Removes the subject's own level and returns it; 40401 when it had none. */
  synchronized CompatibilityLevel deleteSubjectLevel(String subject) {
    Subject s = subjects.get(subject);
    if (s == null || s.level == null) {
      throw ApiError.subjectNotFound(subject);
    }
    CompatibilityLevel old = s.level;
    s.level = null;
    if (s.versions.isEmpty()) {
      subjects.remove(subject);
    }
    return old;
  }

  // ------------------------------------------------------------------ helpers (under the lock)

  private CompatibilityLevel levelOf(Subject s) {
    return s != null && s.level != null ? s.level : globalLevel;
  }

  private Subject existing(String subject, boolean includeDeleted) {
    Subject s = subjects.get(subject);
    if (s == null || s.visible(includeDeleted).isEmpty()) {
      throw ApiError.subjectNotFound(subject);
    }
    return s;
  }

  private static Version pick(List<Version> versions, int version) {
    if (versions.isEmpty()) {
      return null;
    }
    if (version == LATEST) {
      return last(versions);
    }
    return versions.stream().filter(v -> v.number == version).findFirst().orElse(null);
  }

  private static Version last(List<Version> versions) {
    return versions.get(versions.size() - 1);
  }

  /** The first version whose schema is the candidate, compared in normal form when asked. */
  private static Version matching(List<Version> versions, Candidate c, boolean normalize) {
    for (Version v : versions) {
      Stored s = v.schema;
      if (s.key().equals(c.key())
          || (normalize && key(AvroNormalForm.of(s.text()), sortedDistinct(s.references())).equals(c.key()))) {
        return v;
      }
    }
    return null;
  }

  private static List<Reference> sortedDistinct(List<Reference> refs) {
    return refs.stream()
        .sorted(Comparator.comparing(Reference::name).thenComparing(Reference::subject).thenComparingInt(Reference::version))
        .distinct()
        .toList();
  }

  /** Versions (any subject) referencing the subject version; live only unless {@code includeDeleted}. */
  private List<Version> referrers(String subject, int version, boolean includeDeleted) {
    return holders(
        v ->
            (includeDeleted || !v.deleted)
                && v.schema.references().stream().anyMatch(r -> r.subject().equals(subject) && r.version() == version));
  }

  private List<Version> holders(Predicate<Version> test) {
    List<Version> out = new ArrayList<>();
    subjects.values().forEach(s -> s.versions.stream().filter(test).forEach(out::add));
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }
}
