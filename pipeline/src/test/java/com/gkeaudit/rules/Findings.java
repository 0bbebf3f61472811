package com.gkeaudit.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.Finding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;

/** Small readers over findings for assertions. */
public final class Findings {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Findings() {}

  public static List<Finding> ofRule(Collection<Finding> findings, Rule rule) {
    return findings.stream().filter(f -> f.ruleId().equals(rule.id())).toList();
  }

  public static JsonNode details(Finding finding) {
    try {
      return MAPPER.readTree(finding.detailsJson());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<String> insertIds(ClusterEvent... events) {
    return java.util.Arrays.stream(events).map(ClusterEvent::insertId).toList();
  }

  /** Every text field of a finding, for "never copied" checks. */
  public static String allText(Finding f) {
    return String.join(
        "\n",
        String.valueOf(f.title()),
        String.valueOf(f.description()),
        String.valueOf(f.remediation()),
        String.valueOf(f.detailsJson()),
        String.valueOf(f.principal()),
        String.valueOf(f.userAgent()),
        String.valueOf(f.method()));
  }
}
