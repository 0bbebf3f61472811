package com.gkeaudit.rules;

import com.gkeaudit.model.Finding;
import java.io.Serializable;

/**
 * One entry of a suppressions file (docs/alerts-and-suppressions.md): globs on rule, principal, project and cluster (null = any), an optional
 * end ({@code until}, exclusive, epoch nanoseconds) and the reason written into {@code suppressed_by}. A finding's
 * null field (cluster_name of a principal-keyed finding, an orphan operation's principal) is matched as the empty
 * text, so {@code *} matches it and {@code prod-*} does not.
 */
public record Suppression(
    String ruleId, String principal, String projectId, String clusterName, Long untilNanos, String reason)
    implements Serializable {

  /** True when this entry is in force at the finding's event time and every glob it gives matches. */
  public boolean matches(Finding finding) {
    return (untilNanos == null || finding.eventTimeNanos() < untilNanos)
        && Glob.matches(ruleId, finding.ruleId())
        && Glob.matches(principal, finding.principal())
        && Glob.matches(projectId, finding.projectId())
        && Glob.matches(clusterName, finding.clusterName());
  }
}
