package io.saestreams.registry.server;

/**
 * An API error, answered as Confluent's {@code {"error_code": ..., "message": ...}} with the given
 * HTTP status. The factories carry Confluent's codes and, where Confluent has a fixed text, its
 * message, so that clients that match on either keep working.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** 40401: the subject has no versions (of the kind asked for). */
  static final int SUBJECT_NOT_FOUND = 40401;
  /** 40402: the subject exists but not that version. */
  static final int VERSION_NOT_FOUND = 40402;
  /** 40403: no such schema id, or the schema is not registered under the subject. */
  static final int SCHEMA_NOT_FOUND = 40403;
  /** 40404: soft-deleting a subject that is already soft-deleted. */
  static final int SUBJECT_SOFT_DELETED = 40404;
  /** 40405: permanently deleting a subject that still has live versions. */
  static final int SUBJECT_NOT_SOFT_DELETED = 40405;
  /** 40406: soft-deleting a version that is already soft-deleted. */
  static final int VERSION_SOFT_DELETED = 40406;
  /** 40407: permanently deleting a version that is still live. */
  static final int VERSION_NOT_SOFT_DELETED = 40407;
  /** 40408: the subject has no compatibility level of its own. */
  static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;
  /** 409: the schema is incompatible with earlier versions (Confluent answers the plain status). */
  static final int INCOMPATIBLE_SCHEMA = 409;
  /** 42201: invalid schema, invalid reference, or a version that cannot be honoured. */
  static final int INVALID_SCHEMA = 42201;
  /** 42202: a version path segment that is neither a positive number nor "latest". */
  static final int INVALID_VERSION = 42202;
  /** 42203: unknown compatibility level. */
  static final int INVALID_COMPATIBILITY_LEVEL = 42203;
  /** 42205: an operation the registry's mode does not permit, e.g. an explicit schema id. */
  static final int OPERATION_NOT_PERMITTED = 42205;
  /** 42206: deleting a version that other schemas reference. */
  static final int REFERENCE_EXISTS = 42206;

  final int status;
  final int code;

  ApiError(int status, int code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ApiError subjectNotFound(String subject) {
    return new ApiError(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
  }

  static ApiError versionNotFound(int version) {
    return new ApiError(404, VERSION_NOT_FOUND, "Version " + version + " not found.");
  }

  static ApiError schemaNotFound() {
    return new ApiError(404, SCHEMA_NOT_FOUND, "Schema not found");
  }

  static ApiError schemaNotFound(Object id) {
    return new ApiError(404, SCHEMA_NOT_FOUND, "Schema " + id + " not found");
  }

  static ApiError subjectSoftDeleted(String subject) {
    return new ApiError(
        404,
        SUBJECT_SOFT_DELETED,
        "Subject '" + subject + "' was soft deleted.Set permanent=true to delete permanently");
  }

  static ApiError subjectNotSoftDeleted(String subject) {
    return new ApiError(
        404,
        SUBJECT_NOT_SOFT_DELETED,
        "Subject '" + subject + "' was not deleted first before being permanently deleted");
  }

  static ApiError versionSoftDeleted(String subject, int version) {
    return new ApiError(
        404,
        VERSION_SOFT_DELETED,
        "Subject '" + subject + "' Version " + version + " was soft deleted.Set permanent=true to delete permanently");
  }

  static ApiError versionNotSoftDeleted(String subject, int version) {
    return new ApiError(
        404,
        VERSION_NOT_SOFT_DELETED,
        "Subject '" + subject + "' Version " + version + " was not deleted first before being permanently deleted");
  }

  static ApiError noSubjectLevelCompatibility(String subject) {
    return new ApiError(
        404,
        SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
        "Subject '" + subject + "' does not have subject-level compatibility configured");
  }

  static ApiError invalidSchema(String message) {
    return new ApiError(422, INVALID_SCHEMA, message);
  }

  static ApiError invalidVersion(String versionText) {
    return new ApiError(
        422,
        INVALID_VERSION,
        "The specified version '"
            + versionText
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
  }

  static ApiError operationNotPermitted(String message) {
    return new ApiError(422, OPERATION_NOT_PERMITTED, message);
  }

  static ApiError referenceExists(String subject, int version) {
    return new ApiError(
        422,
        REFERENCE_EXISTS,
        "One or more references exist to the schema {subject=" + subject + ",version=" + version + "}");
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, 400, message);
  }
}
