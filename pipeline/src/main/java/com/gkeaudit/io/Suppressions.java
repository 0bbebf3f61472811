package com.gkeaudit.io;

import com.gkeaudit.model.Finding;
import com.gkeaudit.model.Times;
import com.gkeaudit.rules.Glob;
import com.gkeaudit.rules.Rule;
import com.gkeaudit.rules.Suppression;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * A suppressions file (docs/alerts-and-suppressions.md), YAML or JSON:
 *
 * <pre>
 * suppressions:
 *   - rule_id: untrusted-source
 *     principal: "*@ci-project.iam.gserviceaccount.com"
 *     reason: CI runs from build pools outside the office ranges
 *   - cluster_name: "sandbox-*"
 *     until: 2026-12-31T00:00:00Z
 *     reason: sandbox clusters are rebuilt nightly until the migration ends
 * </pre>
 *
 * A top-level list of entries is accepted too. The first entry that matches a finding names its reason. Everything
 * else is refused with a one-line message: unknown keys (a typo must not widen or narrow a suppression silently), a
 * missing reason, an entry with no condition at all (it would silence every alert), a bad {@code until}, a glob with
 * syntax other than {@code *}, a rule id that is not in the catalogue.
 */
public record Suppressions(List<Suppression> entries) implements Serializable {
  public static final Suppressions NONE = new Suppressions(List.of());

  private static final Set<String> MATCH_KEYS = Set.of("rule_id", "principal", "project_id", "cluster_name");
  private static final Set<String> KEYS = Set.of("rule_id", "principal", "project_id", "cluster_name", "until", "reason");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final ObjectMapper YAML =
      new YAMLMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** Thrown for a file that cannot be used; the message is one line naming the file and the problem. */
  public static final class InvalidSuppressionsException extends IllegalArgumentException {
    InvalidSuppressionsException(String message) {
      super(message);
    }
  }

  public Suppressions {
    entries = List.copyOf(entries);
  }

  /** The reason of the first entry in force at the finding's event time that matches it, or null. */
  public String reasonFor(Finding finding) {
    for (Suppression entry : entries) {
      if (entry.matches(finding)) {
        return entry.reason();
      }
    }
    return null;
  }

  /** The finding, marked when an entry matches it. */
  public Finding apply(Finding finding) {
    String reason = reasonFor(finding);
    return reason == null ? finding : finding.withSuppressedBy(reason);
  }

  /**
   * Reads and checks the file (local or any Beam filesystem, e.g. gs://; FileSystems must know the pipeline's
   * options). Exactly one file: a pattern matching several would make the order of entries, and so the reasons,
   * depend on listing order.
   */
  public static Suppressions read(String file) throws IOException {
    MatchResult.Metadata metadata = FileSystems.matchSingleFileSpec(file);
    byte[] bytes;
    try (InputStream in = Channels.newInputStream(FileSystems.open(metadata.resourceId()))) {
      bytes = in.readAllBytes();
    }
    return parse(new String(bytes, StandardCharsets.UTF_8), file);
  }

  /** Parses the text of a suppressions file; {@code source} names it in error messages. */
  public static Suppressions parse(String text, String source) {
    String trimmed = text.stripLeading();
    boolean json = trimmed.startsWith("{") || trimmed.startsWith("[");
    JsonNode root;
    try {
      // JSON is read as JSON: its errors then speak of JSON, and YAML's looser scalars do not apply.
      root = (json ? JSON : YAML).readTree(text);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw invalid(source, "not valid " + (json ? "JSON" : "YAML") + where + ": " + firstLine(e.getOriginalMessage()));
    }
    JsonNode list;
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw invalid(source, "is empty: give a list under 'suppressions:' (an empty list suppresses nothing)");
    } else if (root.isArray()) {
      list = root;
    } else if (root.isObject()) {
      for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!key.equals("suppressions")) {
          throw invalid(source, "unknown top-level key '" + key + "': the file holds one key, 'suppressions'");
        }
      }
      list = root.get("suppressions");
      if (list == null || list.isNull()) {
        list = JSON.createArrayNode();
      }
      if (!list.isArray()) {
        throw invalid(source, "'suppressions' must be a list of entries");
      }
    } else {
      throw invalid(source, "must be a list of entries under 'suppressions:'");
    }
    List<Suppression> entries = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      entries.add(entry(list.get(i), source, i + 1));
    }
    return new Suppressions(entries);
  }

  private static Suppression entry(JsonNode node, String source, int number) {
    String at = "entry " + number;
    if (!node.isObject()) {
      throw invalid(source, at + " is not a mapping of keys (rule_id, principal, project_id, cluster_name, until, reason)");
    }
    boolean anyCondition = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!KEYS.contains(field.getKey())) {
        throw invalid(source, at + ": unknown key '" + field.getKey()
            + "' (known: rule_id, principal, project_id, cluster_name, until, reason)");
      }
      if (!field.getValue().isTextual()) {
        throw invalid(source, at + ": " + field.getKey() + " must be text, got " + describe(field.getValue()));
      }
      anyCondition |= MATCH_KEYS.contains(field.getKey());
    }
    String reason = text(node, "reason");
    if (reason == null || reason.isBlank()) {
      throw invalid(source, at + ": reason is required (it is written into suppressed_by)");
    }
    if (!anyCondition) {
      throw invalid(source, at + ": give at least one of rule_id, principal, project_id, cluster_name"
          + " (an entry without one would suppress every finding)");
    }
    for (String key : MATCH_KEYS) {
      String glob = text(node, key);
      String problem = glob == null ? null : Glob.problem(glob);
      if (problem != null) {
        throw invalid(source, at + ": " + key + " " + problem);
      }
    }
    String ruleId = text(node, "rule_id");
    if (ruleId != null && !ruleId.contains("*") && !isRule(ruleId)) {
      throw invalid(source, at + ": rule_id '" + ruleId + "' is not a rule of the catalogue");
    }
    Long until = null;
    String untilText = text(node, "until");
    if (untilText != null) {
      until = Times.parseRfc3339(untilText);
      if (until == null) {
        throw invalid(source, at + ": until must be an RFC 3339 time with an offset, like 2026-12-31T00:00:00Z, got '"
            + untilText + "'");
      }
    }
    return new Suppression(ruleId, text(node, "principal"), text(node, "project_id"), text(node, "cluster_name"),
        until, reason.strip());
  }

  private static boolean isRule(String id) {
    for (Rule rule : Rule.values()) {
      if (rule.id().equals(id)) {
        return true;
      }
    }
    return false;
  }

  private static String text(JsonNode node, String key) {
    JsonNode value = node.get(key);
    return value == null ? null : value.textValue();
  }

  private static String describe(JsonNode value) {
    return value.isContainerNode() ? (value.isArray() ? "a list" : "a mapping") : value.getNodeType().name().toLowerCase()
        + " " + value;
  }

  private static InvalidSuppressionsException invalid(String source, String problem) {
    return new InvalidSuppressionsException("--suppressions " + source + ": " + problem);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }
}
