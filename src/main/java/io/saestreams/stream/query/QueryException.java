package io.saestreams.stream.query;

/**
 * A query the server answers with an error status and {@code {"error": message, "reason":
 * reason}}: {@code reason} is a short stable code for programs, {@code message} the text for
 * people.
 */
final class QueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final String MALFORMED_JSON = "malformed-json";
  static final String INVALID_FIELD = "invalid-field";
  static final String INVALID_LATENT = "invalid-latent";
  static final String INVALID_PARAMETER = "invalid-parameter";
  static final String BODY_TOO_LARGE = "body-too-large";
  static final String METHOD_NOT_ALLOWED = "method-not-allowed";
  static final String NOT_FOUND = "not-found";
  static final String NOT_READY = "not-ready";
  static final String BUSY = "busy";

  final int status;
  final String reason;
  /** The {@code Allow} header of a 405, else null. */
  final String allow;

  private QueryException(int status, String reason, String message, String allow) {
    super(message, null, false, false);
    this.status = status;
    this.reason = reason;
    this.allow = allow;
  }

  static QueryException badRequest(String reason, String message) {
    return new QueryException(400, reason, message, null);
  }

  static QueryException tooLarge(String message) {
    return new QueryException(413, BODY_TOO_LARGE, message, null);
  }

  static QueryException methodNotAllowed(String method, String path, String allow) {
    return new QueryException(
        405, METHOD_NOT_ALLOWED, method + " is not allowed on " + path + "; allowed: " + allow, allow);
  }

  static QueryException notFound(String path) {
    return new QueryException(404, NOT_FOUND, "no resource " + path
        + "; live queries: POST /encode, GET /model, GET /latents/{j}", null);
  }

  static QueryException notReady(String message) {
    return new QueryException(503, NOT_READY, message, null);
  }

  static QueryException busy(int queued) {
    return new QueryException(503, BUSY, queued + " live queries are already waiting; try again", null);
  }
}
