package com.gkeaudit.model;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TimeZone;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

/**
 * A cluster's maintenance policy as the Cluster API's {@code maintenancePolicy} describes it: either a recurring window
 * (first occurrence {@code recurringStart}–{@code recurringEnd}, repeated by the RRULE {@code recurrence}) or a daily
 * window ({@code dailyStartTime} "HH:MM" UTC for {@code dailyDuration}), plus maintenance exclusions. All times are
 * UTC.
 *
 * <p>Holds only the texts so that it serialises as plain JSON; they are validated when the record is built, and
 * {@link #problem()} says why a policy that has a window cannot be used. Such a policy behaves as if it had none.
 */
public record MaintenancePolicy(
    String recurringStart,
    String recurringEnd,
    String recurrence,
    String dailyStartTime,
    String dailyDuration,
    List<Exclusion> exclusions,
    String problem)
    implements Serializable {

  /** A maintenance exclusion: [startTime, endTime) in RFC 3339, and the upgrades it blocks. */
  public record Exclusion(String name, String startTime, String endTime, String scope)
      implements Serializable {}

  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");
  private static final Duration DEFAULT_DAILY_DURATION = Duration.ofHours(4);
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("H:mm");
  private static final DateTimeFormatter HH_MM_UTC =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  // Proto3 JSON omits enum zero values, and NO_UPGRADES is Scope's zero.
  public static final String DEFAULT_SCOPE = "NO_UPGRADES";

  public MaintenancePolicy {
    exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
    if (problem == null) {
      problem =
          findProblem(
              recurringStart, recurringEnd, recurrence, dailyStartTime, dailyDuration, exclusions);
    }
  }

  /** Whether the policy has a window that can be checked (a window with a {@link #problem()} cannot). */
  public boolean hasWindow() {
    return problem == null && (recurrence != null || dailyStartTime != null);
  }

  /**
   * Why a change at {@code t} breaks the policy: it falls inside a maintenance exclusion (whatever its scope) or
   * outside every occurrence of the window. Empty when it does not, and when there is no usable window.
   */
  public Optional<String> violation(Instant t) {
    if (!hasWindow()) {
      return Optional.empty();
    }
    for (Exclusion exclusion : exclusions) {
      if (!t.isBefore(instant(exclusion.startTime())) && t.isBefore(instant(exclusion.endTime()))) {
        return Optional.of("inside maintenance exclusion " + exclusionText(exclusion));
      }
    }
    if (recurrence != null) {
      try {
        return insideRecurringWindow(t)
            ? Optional.empty()
            : Optional.of("outside the maintenance window (" + recurringText() + ")");
      } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
        // lib-recur gives up ("too many empty recurrence sets") on rules whose instances are too sparse to find near
        // t even though an earlier one was found during validation; such a window cannot be checked.
        return Optional.empty();
      }
    }
    return insideDailyWindow(t)
        ? Optional.empty()
        : Optional.of("outside the daily maintenance window (" + dailyText() + ")");
  }

  /** One line describing the window and exclusions, for finding descriptions. */
  public String describe() {
    if (problem != null) {
      return "unusable maintenance policy (" + problem + ")";
    }
    StringBuilder out = new StringBuilder();
    if (recurrence != null) {
      out.append("maintenance window ").append(recurringText()).append(", first ").append(instant(recurringStart));
    } else if (dailyStartTime != null) {
      out.append("daily maintenance window ").append(dailyText());
    } else {
      out.append("no maintenance window");
    }
    for (int i = 0; i < exclusions.size(); i++) {
      out.append(i == 0 ? "; exclusions: " : ", ").append(exclusionText(exclusions.get(i)));
    }
    return out.toString();
  }

  private boolean insideRecurringWindow(Instant t) {
    Instant start = instant(recurringStart);
    Instant end = instant(recurringEnd);
    if (t.isBefore(start)) {
      return false;
    }
    // The first occurrence is the window itself, whether or not its start matches the rule (lib-recur does not
    // return a DTSTART that the rule would not produce).
    if (t.isBefore(end)) {
      return true;
    }
    long length = Duration.between(start, end).toMillis();
    long at = t.toEpochMilli();
    RecurrenceRule rule = rule(recurrence);
    RecurrenceRuleIterator occurrences = rule.iterator(alignedStart(rule, start.toEpochMilli(), at - length), UTC);
    // Occurrences starting before t - length are over by t; skipping them keeps a years-old DTSTART cheap.
    occurrences.fastForward(at - length);
    for (int step = 0; occurrences.hasNext(); step++) {
      if (step == MAX_STEPS) {
        throw new IllegalArgumentException("more than " + MAX_STEPS + " occurrences to look at");
      }
      long occurrence = occurrences.nextMillis();
      if (occurrence > at) {
        return false;
      }
      if (at < occurrence + length) {
        return true;
      }
    }
    return false;
  }

  /** Occurrences looked at per check, after skipping to the check's time (a bound, never reached by real rules). */
  private static final int MAX_STEPS = 10_000;

  /**
   * A start for the iteration near {@code from} that yields the same occurrences from there on: lib-recur's
   * fastForward steps through every occurrence from DTSTART, and FREQ=SECONDLY from 1970 took seconds per event.
   * For a fixed-length period (SECONDLY to WEEKLY, times INTERVAL) without COUNT, every candidate is DTSTART plus
   * whole periods, so moving DTSTART forward by whole periods keeps the set from there on (BY* parts filter or
   * expand within a period, UNTIL is absolute). With COUNT, or a monthly or yearly period, DTSTART stays.
   */
  static long alignedStart(RecurrenceRule rule, long startMillis, long fromMillis) {
    if (rule.getCount() != null) {
      return startMillis;
    }
    long unit =
        switch (rule.getFreq()) {
          case SECONDLY -> 1_000L;
          case MINUTELY -> 60_000L;
          case HOURLY -> 3_600_000L;
          case DAILY -> 86_400_000L;
          case WEEKLY -> 7 * 86_400_000L;
          default -> 0L;
        };
    long period = unit * Math.max(1, rule.getInterval());
    if (period == 0 || fromMillis <= startMillis) {
      return startMillis;
    }
    long periods = (fromMillis - startMillis) / period - 1;
    return periods > 0 ? startMillis + periods * period : startMillis;
  }

  private boolean insideDailyWindow(Instant t) {
    LocalTime startTime = LocalTime.parse(dailyStartTime.trim(), HH_MM);
    Duration length = dailyLength();
    LocalDate day = t.atOffset(ZoneOffset.UTC).toLocalDate();
    // An occurrence that started on an earlier day (a window crossing midnight) may still be running at t.
    for (long daysBack = 0; daysBack <= length.toDays() + 1; daysBack++) {
      Instant occurrence = day.minusDays(daysBack).atTime(startTime).toInstant(ZoneOffset.UTC);
      if (!t.isBefore(occurrence) && t.isBefore(occurrence.plus(length))) {
        return true;
      }
    }
    return false;
  }

  private Duration dailyLength() {
    return dailyDuration == null ? DEFAULT_DAILY_DURATION : Duration.parse(dailyDuration.trim());
  }

  private String recurringText() {
    Instant start = instant(recurringStart);
    Duration length = Duration.between(start, instant(recurringEnd));
    String from = HH_MM_UTC.format(start);
    String span =
        length.compareTo(Duration.ofDays(1)) < 0
            ? from + "-" + HH_MM_UTC.format(start.plus(length)) + " UTC"
            : from + " UTC for " + humanDuration(length);
    return recurrence + ", " + span;
  }

  private String dailyText() {
    LocalTime startTime = LocalTime.parse(dailyStartTime.trim(), HH_MM);
    return String.format(
        Locale.ROOT,
        "%02d:%02d UTC for %s",
        startTime.getHour(),
        startTime.getMinute(),
        humanDuration(dailyLength()));
  }

  private static String exclusionText(Exclusion exclusion) {
    return String.format(
        Locale.ROOT,
        "\"%s\" (%s to %s, scope %s)",
        exclusion.name(),
        instant(exclusion.startTime()),
        instant(exclusion.endTime()),
        exclusion.scope());
  }

  /** Why the texts do not make a usable policy, or null when they do. */
  private static String findProblem(
      String recurringStart,
      String recurringEnd,
      String recurrence,
      String dailyStartTime,
      String dailyDuration,
      List<Exclusion> exclusions) {
    boolean recurring = recurringStart != null || recurringEnd != null || recurrence != null;
    String problem = null;
    if (recurring && dailyStartTime != null) {
      problem = "both a recurringWindow and a dailyMaintenanceWindow";
    } else if (recurring) {
      problem = recurringProblem(recurringStart, recurringEnd, recurrence);
    } else if (dailyStartTime != null) {
      problem = dailyProblem(dailyStartTime, dailyDuration);
    }
    for (int i = 0; i < exclusions.size() && problem == null; i++) {
      Exclusion exclusion = exclusions.get(i);
      String field = "maintenance exclusion \"" + exclusion.name() + "\" ";
      problem = timestampProblem(field + "startTime", exclusion.startTime());
      if (problem == null) {
        problem = timestampProblem(field + "endTime", exclusion.endTime());
      }
    }
    return problem;
  }

  private static String recurringProblem(String startTime, String endTime, String recurrence) {
    if (recurrence == null) {
      return "recurringWindow has no recurrence";
    }
    String problem = timestampProblem("recurringWindow startTime", startTime);
    if (problem == null) {
      problem = timestampProblem("recurringWindow endTime", endTime);
    }
    if (problem != null) {
      return problem;
    }
    Instant start = instant(startTime);
    if (!instant(endTime).isAfter(start)) {
      return "recurringWindow endTime " + endTime + " is not after startTime " + startTime;
    }
    try {
      RecurrenceRuleIterator occurrences = rule(recurrence).iterator(start.toEpochMilli(), UTC);
      // Finding the first instance makes lib-recur reject rules that can never occur (e.g. February 30th).
      if (occurrences.hasNext()) {
        occurrences.peekMillis();
      }
      return null;
    } catch (RuntimeException e) {
      return "invalid recurrence \"" + recurrence + "\": " + e.getMessage();
    }
  }

  private static String dailyProblem(String startTime, String duration) {
    try {
      LocalTime.parse(startTime.trim(), HH_MM);
    } catch (DateTimeException e) {
      return "dailyMaintenanceWindow startTime \"" + startTime + "\" is not HH:MM";
    }
    if (duration == null) {
      return null;
    }
    try {
      Duration length = Duration.parse(duration.trim());
      // A daily window lasts at most a day (the API chooses 4 h); a longer one is a mistake, and its arithmetic
      // overflowed (PT2562047788015215H).
      return length.isNegative() || length.isZero() || length.compareTo(Duration.ofDays(1)) > 0
          ? "dailyMaintenanceWindow duration " + duration + " is not between 0 and 24 hours"
          : null;
    } catch (DateTimeException | ArithmeticException e) {
      return "dailyMaintenanceWindow duration \"" + duration + "\" is not an ISO-8601 duration";
    }
  }

  private static String timestampProblem(String field, String text) {
    if (text == null) {
      return field + " is missing";
    }
    try {
      instant(text);
    } catch (DateTimeException e) {
      return field + " \"" + text + "\" is not an RFC 3339 timestamp";
    }
    // The same accepted range as every other time read (1970-2100): beyond it, window arithmetic overflows.
    String problem = Times.problem(text.trim());
    return problem == null ? null : field + ": " + problem;
  }

  private static RecurrenceRule rule(String recurrence) {
    try {
      // Strict mode: the lax modes silently drop parts they do not understand, which would check another window.
      return new RecurrenceRule(recurrence, RecurrenceRule.RfcMode.RFC5545_STRICT);
    } catch (InvalidRecurrenceRuleException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static Instant instant(String rfc3339) {
    return OffsetDateTime.parse(rfc3339.trim()).toInstant();
  }

  private static String humanDuration(Duration d) {
    StringBuilder out = new StringBuilder();
    if (d.toHours() > 0) {
      out.append(d.toHours()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      out.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0 || out.length() == 0) {
      out.append(d.toSecondsPart()).append('s');
    }
    return out.toString();
  }
}
