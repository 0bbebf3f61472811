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

  /** Parses an RFC 3339 timestamp with any offset and 0-9 fractional digits; null when it is not one. */
  public static Long parseRfc3339(String text) {
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
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
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
