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
    try {
      Instant instant = DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
      return toNanos(instant);
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
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
