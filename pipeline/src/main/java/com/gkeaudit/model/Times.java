package com.gkeaudit.model;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Event times are carried as epoch nanoseconds (audit timestamps have up to nine fractional digits). */
public final class Times {
  private Times() {}

  public static final long NANOS_PER_MILLI = 1_000_000L;
  public static final long NANOS_PER_MINUTE = 60_000_000_000L;
  public static final long NANOS_PER_HOUR = 60 * NANOS_PER_MINUTE;
  public static final long NANOS_PER_DAY = 24 * NANOS_PER_HOUR;

  /**
   * The accepted range of event times, [{@value #MIN_TEXT}, {@value #MAX_TEXT}): every timestamp read from input
   * (entries, Pub/Sub attributes, cluster metadata) is checked against it here, in one place. Epoch nanoseconds in a
   * long only reach 1677-2262, and a time near either end once wrapped silently (a 1677 entry became 2262 and moved
   * the end-of-input clock); a bound well inside that range also keeps every {@code time + window} sum from
   * overflowing. Cloud Logging has no entries before 1970, and none from the next century yet.
   */
  public static final String MIN_TEXT = "1970-01-01T00:00:00Z";

  public static final String MAX_TEXT = "2100-01-01T00:00:00Z";
  public static final long MIN_NANOS = 0L;
  public static final long MAX_NANOS = Instant.parse(MAX_TEXT).getEpochSecond() * 1_000_000_000L;

  /**
   * Parses an RFC 3339 timestamp with any offset and 0-9 fractional digits; null when it is not one or when it lies
   * outside the accepted range ({@link #problem} says which).
   */
  public static Long parseRfc3339(String text) {
    Long nanos = parseUnbounded(text);
    return nanos != null && nanos >= MIN_NANOS && nanos < MAX_NANOS ? nanos : null;
  }

  /** Why {@link #parseRfc3339} rejects {@code text} (null when it does not), for a dead letter's error. */
  public static String problem(String text) {
    if (parseRfc3339(text) != null) {
      return null;
    }
    String shown = text == null ? "null" : text.length() <= 64 ? text : text.substring(0, 64) + "...";
    return isRfc3339(text)
        ? "timestamp " + shown + " is outside the accepted range [" + MIN_TEXT + ", " + MAX_TEXT + ")"
        : "not an RFC 3339 timestamp: " + shown;
  }

  private static boolean isRfc3339(String text) {
    if (text == null || text.length() < 20) {
      return false;
    }
    try {
      DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static Long parseUnbounded(String text) {
    if (text == null || text.length() < 20) {
      return null;
    }
    Long fast = parseUtcFast(text);
    if (fast != null) {
      return fast;
    }
    try {
      Instant instant = DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
      return toNanos(instant);
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }

  /**
   * The shape every exporter writes, {@code YYYY-MM-DDTHH:MM:SS[.fraction]Z}, read digit by digit: a formatter
   * parse costs more than validating the rest of a record. Anything else returns null and goes to the formatter.
   */
  private static Long parseUtcFast(String t) {
    int n = t.length();
    if (t.charAt(n - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
        || t.charAt(13) != ':' || t.charAt(16) != ':') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    long fraction = 0;
    if (n > 20) {
      int digitsCount = n - 21;
      if (t.charAt(19) != '.' || digitsCount < 1 || digitsCount > 9) {
        return null;
      }
      int value = digits(t, 20, digitsCount);
      if (value < 0) {
        return null;
      }
      fraction = value * POWERS_OF_TEN[9 - digitsCount];
    }
    // Outside 1970-2099 the formatter decides (and the range check rejects): the sum below would wrap past 2262.
    if (year < 1970 || year > 2099 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
    long seconds = epochDay * 86_400L + hour * 3600L + minute * 60L + second;
    return seconds * 1_000_000_000L + fraction;
  }

  private static final long[] POWERS_OF_TEN = {
    1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L
  };

  /** The decimal value of {@code count} digits at {@code from}, or -1 when any is not a digit. */
  private static int digits(String t, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  public static long toNanos(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  public static Instant toInstant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /** RFC 3339 UTC with microseconds, the precision BigQuery TIMESTAMP keeps. */
  public static String format(long nanos) {
    Instant micros = toInstant(nanos - Math.floorMod(nanos, 1000L));
    return DateTimeFormatter.ISO_INSTANT.format(micros);
  }

  public static org.joda.time.Instant toJoda(long nanos) {
    return new org.joda.time.Instant(Math.floorDiv(nanos, NANOS_PER_MILLI));
  }
}
