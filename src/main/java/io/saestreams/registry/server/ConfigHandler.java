package io.saestreams.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.saestreams.registry.CompatibilityLevel;

/**
 * {@code /config}: the global compatibility level ({@code GET|PUT|DELETE /config}; DELETE resets it
 * to BACKWARD) and a subject's own level ({@code GET|PUT|DELETE /config/{s}}). As in Confluent, GET
 * answers {@code {"compatibilityLevel": ...}}, PUT echoes {@code {"compatibility": ...}}, GET on a
 * subject without its own level is 40408 unless {@code ?defaultToGlobal=true}, and DELETE of a level
 * that is not set is 40401. A subject's level may be set before the subject has any version.
 */
final class ConfigHandler {
  private final RegistryStore store;

  ConfigHandler(RegistryStore store) {
    this.store = store;
  }

  JsonNode handle(Request r) {
    int n = r.size();
    if (n == 1) {
      switch (r.method()) {
        case "PUT":
          {
            CompatibilityLevel level = level(r);
            store.setGlobalLevel(level);
            return Json.object().put("compatibility", level.name());
          }
        case "DELETE":
          {
            CompatibilityLevel old = store.globalLevel();
            store.setGlobalLevel(CompatibilityLevel.BACKWARD);
            return Json.object().put("compatibilityLevel", old.name());
          }
        default:
          r.require("GET");
          return Json.object().put("compatibilityLevel", store.globalLevel().name());
      }
    }
    if (n != 2) {
      throw Request.notFound();
    }
    String subject = r.segment(1);
    switch (r.method()) {
      case "PUT":
        {
          CompatibilityLevel level = level(r);
          store.setSubjectLevel(subject, level);
          return Json.object().put("compatibility", level.name());
        }
      case "DELETE":
        return Json.object().put("compatibilityLevel", store.deleteSubjectLevel(subject).name());
      default:
        r.require("GET");
        CompatibilityLevel level = store.subjectLevel(subject);
        if (level == null) {
          if (!r.flag("defaultToGlobal")) {
            throw ApiError.noSubjectLevelCompatibility(subject);
          }
          level = store.globalLevel();
        }
        return Json.object().put("compatibilityLevel", level.name());
    }
  }

  private static CompatibilityLevel level(Request r) {
    JsonNode value = r.json().get("compatibility");
    try {
      return CompatibilityLevel.parse(value == null || !value.isTextual() ? null : value.textValue());
    } catch (IllegalArgumentException e) {
      throw new ApiError(
          422,
          ApiError.INVALID_COMPATIBILITY_LEVEL,
          "Invalid compatibility level. Valid values are none, backward, forward, full, "
              + "backward_transitive, forward_transitive, and full_transitive; found "
              + (value == null ? "no 'compatibility' field" : value.toString()));
    }
  }
}
