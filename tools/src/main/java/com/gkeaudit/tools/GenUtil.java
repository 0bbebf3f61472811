package com.gkeaudit.tools;

import java.time.Instant;
import java.time.LocalDate;
import java.util.SplittableRandom;

/** Small deterministic helpers shared by the sample-export generator: ids, seeds and RFC 3339 formatting. */
final class GenUtil {
  private GenUtil() {}

  static final long NANOS_PER_SECOND = 1_000_000_000L;
  static final long NANOS_PER_HOUR = 3600L * NANOS_PER_SECOND;

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  /** SplitMix64 finaliser over a seed and a salt: independent, reproducible streams per unit of work. */
  static long mix(long seed, long salt) {
    long z = seed + 0x9E3779B97F4A7C15L * (salt + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A random (version 4) UUID drawn from {@code r}, lower-case, as k8s.io insertIds are. */
  static String uuid(SplittableRandom r) {
    StringBuilder sb = new StringBuilder(36);
    appendUuid(sb, r);
    return sb.toString();
  }

  static void appendUuid(StringBuilder sb, SplittableRandom r) {
    long hi = (r.nextLong() & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    appendHex(sb, hi >>> 32, 8);
    sb.append('-');
    appendHex(sb, (hi >>> 16) & 0xFFFF, 4);
    sb.append('-');
    appendHex(sb, hi & 0xFFFF, 4);
    sb.append('-');
    appendHex(sb, lo >>> 48, 4);
    sb.append('-');
    appendHex(sb, lo & 0xFFFFFFFFFFFFL, 12);
  }

  static void appendHex(StringBuilder sb, long value, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      sb.append(HEX[(int) ((value >>> (4 * i)) & 0xF)]);
    }
  }

  static String hex(SplittableRandom r, int digits) {
    StringBuilder sb = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      sb.append(HEX[r.nextInt(16)]);
    }
    return sb.toString();
  }

  static String base36(SplittableRandom r, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(BASE36[r.nextInt(36)]);
    }
    return sb.toString();
  }

  static String digits(SplittableRandom r, int length) {
    StringBuilder sb = new StringBuilder(length);
    sb.append((char) ('1' + r.nextInt(9)));
    for (int i = 1; i < length; i++) {
      sb.append((char) ('0' + r.nextInt(10)));
    }
    return sb.toString();
  }

  static long toNanos(Instant t) {
    return t.getEpochSecond() * NANOS_PER_SECOND + t.getNano();
  }

  static Instant ofNanos(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
  }

  /** RFC 3339 UTC with trailing zeros of the fraction trimmed (Go's RFC3339Nano, which Cloud Logging emits). */
  static String rfc3339(Instant t) {
    return new TsFormatter().format(toNanos(t));
  }

  /**
   * Fast RFC 3339 formatter for epoch nanoseconds. Caches the date part; not thread-safe (one per writer).
   */
  static final class TsFormatter {
    private long cachedDay = Long.MIN_VALUE;
    private String cachedDate;
    private final StringBuilder sb = new StringBuilder(32);

    /** Full nanosecond precision, trailing zeros trimmed. */
    String format(long epochNanos) {
      sb.setLength(0);
      append(sb, epochNanos, 9);
      return sb.toString();
    }

    /** Microsecond precision (k8s.io event times), trailing zeros trimmed. */
    String formatMicros(long epochNanos) {
      sb.setLength(0);
      append(sb, epochNanos - Math.floorMod(epochNanos, 1000L), 9);
      return sb.toString();
    }

    void append(StringBuilder out, long epochNanos, int maxDigits) {
      long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
      int nanos = (int) Math.floorMod(epochNanos, NANOS_PER_SECOND);
      long day = Math.floorDiv(seconds, 86400L);
      if (day != cachedDay) {
        cachedDay = day;
        cachedDate = LocalDate.ofEpochDay(day).toString() + "T";
      }
      out.append(cachedDate);
      int sod = (int) (seconds - day * 86400L);
      two(out, sod / 3600);
      out.append(':');
      two(out, (sod / 60) % 60);
      out.append(':');
      two(out, sod % 60);
      if (nanos != 0) {
        int digits = maxDigits;
        int value = nanos;
        int scale = 9 - maxDigits;
        for (int i = 0; i < scale; i++) {
          value /= 10;
        }
        while (digits > 0 && value % 10 == 0) {
          value /= 10;
          digits--;
        }
        if (digits > 0) {
          out.append('.');
          char[] buf = new char[digits];
          for (int i = digits - 1; i >= 0; i--) {
            buf[i] = (char) ('0' + value % 10);
            value /= 10;
          }
          out.append(buf);
        }
      }
      out.append('Z');
    }

    private static void two(StringBuilder out, int v) {
      out.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }
  }
}
