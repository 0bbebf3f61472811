package com.gkeaudit.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.gkeaudit.model.MaintenancePolicy;
import java.util.ArrayList;
import java.util.List;

/** Reads a cluster's {@code maintenancePolicy} (Cluster API JSON) into the value type {@link MaintenancePolicy}. */
public final class MaintenancePolicyJson {
  private MaintenancePolicyJson() {}

  /**
   * Reads a Cluster API {@code maintenancePolicy} object (camelCase or snake_case keys); null when it is null or
   * missing. Never throws on malformed content: that is reported by {@link MaintenancePolicy#problem()}.
   */
  public static MaintenancePolicy read(JsonNode maintenancePolicy) {
    if (maintenancePolicy == null || maintenancePolicy.isNull() || maintenancePolicy.isMissingNode()) {
      return null;
    }
    JsonNode window = Json.field(maintenancePolicy, "window");
    JsonNode recurring = Json.field(window, "recurringWindow");
    JsonNode daily = Json.field(window, "dailyMaintenanceWindow");
    return new MaintenancePolicy(
        Json.text(recurring, "window", "startTime"),
        Json.text(recurring, "window", "endTime"),
        stripRrulePrefix(Json.text(recurring, "recurrence")),
        Json.text(daily, "startTime"),
        Json.text(daily, "duration"),
        readExclusions(Json.field(window, "maintenanceExclusions")),
        null);
  }

  private static List<MaintenancePolicy.Exclusion> readExclusions(JsonNode node) {
    List<MaintenancePolicy.Exclusion> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (node.isObject()) {
      // The API's own shape: a map from exclusion name to its time window.
      node.fields().forEachRemaining(entry -> out.add(exclusion(entry.getKey(), entry.getValue())));
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        String name = Json.text(element, "name");
        out.add(exclusion(name == null ? "unnamed" : name, element));
      }
    }
    return out;
  }

  private static MaintenancePolicy.Exclusion exclusion(String name, JsonNode window) {
    String scope = Json.text(window, "maintenanceExclusionOptions", "scope");
    return new MaintenancePolicy.Exclusion(
        name,
        Json.text(window, "startTime"),
        Json.text(window, "endTime"),
        scope == null ? MaintenancePolicy.DEFAULT_SCOPE : scope);
  }

  private static String stripRrulePrefix(String recurrence) {
    if (recurrence == null) {
      return null;
    }
    String trimmed = recurrence.trim();
    return trimmed.regionMatches(true, 0, "RRULE:", 0, 6) ? trimmed.substring(6) : trimmed;
  }
}
