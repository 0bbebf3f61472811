package com.gkeaudit.parse;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises ClusterManager method names across API versions (v1, v1beta1, v1alpha1, any future vN[alpha|beta]M)
 * and the internal service Google uses for its own operations.
 */
public record ClusterManagerMethod(String method, String apiVersion) {
  public static final String SERVICE = "container.googleapis.com";
  public static final String INTERNAL = "internal";

  private static final Pattern PUBLIC =
      Pattern.compile("google\\.container\\.(v\\d+(?:(?:alpha|beta)\\d*)?)\\.ClusterManager\\.([A-Za-z0-9_]+)");
  private static final Pattern INTERNAL_METHOD =
      Pattern.compile("google\\.container\\.internal\\.ClusterManagerInternal\\.([A-Za-z0-9_]+)");

  /** The normalised method, or null when {@code methodName} is not a ClusterManager method. */
  public static ClusterManagerMethod of(String methodName) {
    if (methodName == null) {
      return null;
    }
    Matcher publicMatch = PUBLIC.matcher(methodName);
    if (publicMatch.matches()) {
      return new ClusterManagerMethod(publicMatch.group(2), publicMatch.group(1));
    }
    Matcher internalMatch = INTERNAL_METHOD.matcher(methodName);
    if (internalMatch.matches()) {
      return new ClusterManagerMethod(internalMatch.group(1), INTERNAL);
    }
    return null;
  }

  public boolean internal() {
    return INTERNAL.equals(apiVersion);
  }
}
