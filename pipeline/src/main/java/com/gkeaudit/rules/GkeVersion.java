package com.gkeaudit.rules;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GKE master version as written in UpdateMaster/UpdateCluster requests and in cluster metadata: "1.X", "1.X.Y" or
 * "1.X.Y-gke.N". A request may name only a prefix ("1.29" means the newest 1.29 patch), so {@code patch} and
 * {@code gkeBuild} are null when not given.
 */
public record GkeVersion(int major, int minor, Integer patch, Integer gkeBuild, String text)
    implements Serializable {

  // At most 9 digits per component so that every match fits an int.
  private static final Pattern FORMAT =
      Pattern.compile("(\\d{1,9})\\.(\\d{1,9})(?:\\.(\\d{1,9})(?:-gke\\.(\\d{1,9}))?)?");

  /**
   * The version in {@code text}; empty for null, blank, "-" and "latest" (which name no particular version) and for
   * anything else that is not a GKE version.
   */
  public static Optional<GkeVersion> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String trimmed = text.trim();
    Matcher m = FORMAT.matcher(trimmed);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new GkeVersion(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            m.group(3) == null ? null : Integer.valueOf(m.group(3)),
            m.group(4) == null ? null : Integer.valueOf(m.group(4)),
            trimmed));
  }

  /** How many components were given: 2 ("1.30"), 3 ("1.30.5") or 4 ("1.30.5-gke.1"). */
  public int given() {
    return gkeBuild != null ? 4 : patch != null ? 3 : 2;
  }

  /**
   * Whether this (requested) version is below {@code current}, comparing only the components both give: a request for
   * "1.30" is satisfied by any 1.30 patch, so it is not below "1.30.5-gke.1", while "1.29" is.
   */
  public boolean isBelow(GkeVersion current) {
    int[] mine = components();
    int[] theirs = current.components();
    int shared = Math.min(mine.length, theirs.length);
    for (int i = 0; i < shared; i++) {
      if (mine[i] != theirs[i]) {
        return mine[i] < theirs[i];
      }
    }
    return false;
  }

  private int[] components() {
    int[] all = {major, minor, patch == null ? 0 : patch, gkeBuild == null ? 0 : gkeBuild};
    return Arrays.copyOf(all, given());
  }

  @Override
  public String toString() {
    return text;
  }
}
