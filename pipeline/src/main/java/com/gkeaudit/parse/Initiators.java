package com.gkeaudit.parse;

import com.gkeaudit.model.ClusterEvent;
import java.util.Locale;

/** docs/rules.md initiator classes: who started a call, from the method and the principal. */
public final class Initiators {
  private Initiators() {}

  public static String classify(ClusterManagerMethod method, String principal) {
    if (method.internal()) {
      return ClusterEvent.GOOGLE;
    }
    if (principal == null || principal.isBlank()) {
      return ClusterEvent.UNKNOWN;
    }
    String p = stripSubjectPrefix(principal).toLowerCase(Locale.ROOT);
    if (p.endsWith("@container-engine-robot.iam.gserviceaccount.com")
        || p.endsWith("@cloudservices.gserviceaccount.com")
        || p.startsWith("system:")) {
      return ClusterEvent.GOOGLE;
    }
    if (p.endsWith(".gserviceaccount.com") || p.endsWith(".svc.id.goog") || p.contains(".svc.id.goog[")) {
      return ClusterEvent.AUTOMATION;
    }
    return ClusterEvent.USER;
  }

  /** "serviceAccount:x@y" and "user:x@y" (principalSubject form) name the same principal as "x@y". */
  static String stripSubjectPrefix(String principal) {
    int colon = principal.indexOf(':');
    if (colon > 0 && !principal.startsWith("system:")) {
      String prefix = principal.substring(0, colon);
      if (prefix.equals("user") || prefix.equals("serviceAccount") || prefix.equals("principal")) {
        return principal.substring(colon + 1);
      }
    }
    return principal;
  }
}
