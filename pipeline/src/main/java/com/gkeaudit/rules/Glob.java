package com.gkeaudit.rules;

/**
 * Globs of a suppressions file: {@code *} stands for any run of characters (none included), every other character
 * for itself, case-sensitively (principals, project ids and cluster names are compared as Cloud Audit Logs writes
 * them). Shell syntax beyond {@code *} ({@code ?}, {@code [...]}, <code>{a,b}</code>, backslash) is refused when the
 * file is read, rather than silently taken literally.
 */
public final class Glob {
  static final String UNSUPPORTED = "?[]{}\\";

  private Glob() {}

  /** Why {@code pattern} is not a glob of this syntax, or null. */
  public static String problem(String pattern) {
    if (pattern.isEmpty()) {
      return "is empty (leave the key out to match anything)";
    }
    for (int i = 0; i < pattern.length(); i++) {
      if (UNSUPPORTED.indexOf(pattern.charAt(i)) >= 0) {
        return "'" + pattern + "' uses '" + pattern.charAt(i) + "': only '*' is a wildcard";
      }
    }
    return null;
  }

  /** True when {@code pattern} is null (no condition) or matches all of {@code text} (null read as empty). */
  public static boolean matches(String pattern, String text) {
    if (pattern == null) {
      return true;
    }
    String s = text == null ? "" : text;
    // Iterative wildcard match with one backtrack point: linear for the patterns people write, no regex to compile.
    int p = 0;
    int t = 0;
    int star = -1;
    int mark = 0;
    while (t < s.length()) {
      if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == s.charAt(t)) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = t;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
