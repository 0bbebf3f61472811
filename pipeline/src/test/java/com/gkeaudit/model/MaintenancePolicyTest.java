package com.gkeaudit.model;

import com.gkeaudit.parse.MaintenancePolicyJson;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MaintenancePolicyTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Saturdays and Sundays 02:00-06:00 UTC, first occurrence Saturday 2024-01-06. */
  private static final String WEEKEND_0200_0600 =
      """
      {"window": {"recurringWindow": {
        "window": {"startTime": "2024-01-06T02:00:00Z", "endTime": "2024-01-06T06:00:00Z"},
        "recurrence": "FREQ=WEEKLY;BYDAY=SA,SU"}}}
      """;

  private static final String WEEKEND_WITH_HOLIDAY_FREEZE =
      """
      {"window": {
        "recurringWindow": {
          "window": {"startTime": "2024-01-06T02:00:00Z", "endTime": "2024-01-06T06:00:00Z"},
          "recurrence": "FREQ=WEEKLY;BYDAY=SA,SU"},
        "maintenanceExclusions": {
          "holiday-freeze": {"startTime": "2024-12-20T00:00:00Z", "endTime": "2025-01-02T00:00:00Z",
                             "maintenanceExclusionOptions": {"scope": "NO_UPGRADES"}}}}}
      """;

  private static final String DAILY_0100_0300_SINCE_2015 =
      """
      {"window": {"recurringWindow": {
        "window": {"startTime": "2015-01-01T01:00:00Z", "endTime": "2015-01-01T03:00:00Z"},
        "recurrence": "FREQ=DAILY"}}}
      """;

  private static final String WEEKEND_SINCE_2000 =
      """
      {"window": {"recurringWindow": {
        "window": {"startTime": "2000-01-01T02:00:00Z", "endTime": "2000-01-01T06:00:00Z"},
        "recurrence": "FREQ=WEEKLY;BYDAY=SA,SU"}}}
      """;

  private static final String WEEKEND_WITH_RRULE_PREFIX =
      """
      {"window": {"recurringWindow": {
        "window": {"startTime": "2024-01-06T02:00:00Z", "endTime": "2024-01-06T06:00:00Z"},
        "recurrence": "RRULE:FREQ=WEEKLY;BYDAY=SA,SU"}}}
      """;

  /** Fridays 22:00 to Saturdays 02:00 UTC. */
  private static final String FRIDAY_NIGHT_ACROSS_MIDNIGHT =
      """
      {"window": {"recurringWindow": {
        "window": {"startTime": "2024-06-14T22:00:00Z", "endTime": "2024-06-15T02:00:00Z"},
        "recurrence": "FREQ=WEEKLY;BYDAY=FR"}}}
      """;

  /** Starts on a Wednesday, which the weekend-only rule itself would never produce. */
  private static final String FIRST_OCCURRENCE_OFF_RULE =
      """
      {"window": {"recurringWindow": {
        "window": {"startTime": "2024-01-03T02:00:00Z", "endTime": "2024-01-03T06:00:00Z"},
        "recurrence": "FREQ=WEEKLY;BYDAY=SA,SU"}}}
      """;

  private static final String THREE_DAYS_ONLY =
      """
      {"window": {"recurringWindow": {
        "window": {"startTime": "2024-01-01T02:00:00Z", "endTime": "2024-01-01T06:00:00Z"},
        "recurrence": "FREQ=DAILY;COUNT=3"}}}
      """;

  private static final String MONTHLY_48_HOURS =
      """
      {"window": {"recurringWindow": {
        "window": {"startTime": "2024-01-06T02:00:00Z", "endTime": "2024-01-08T02:00:00Z"},
        "recurrence": "FREQ=MONTHLY;BYDAY=1SA"}}}
      """;

  private static final String DAILY_0300_PT4H =
      """
      {"window": {"dailyMaintenanceWindow": {"startTime": "03:00", "duration": "PT4H0M0S"}}}
      """;

  private static final String DAILY_0300_WITHOUT_DURATION =
      """
      {"window": {"dailyMaintenanceWindow": {"startTime": "03:00"}}}
      """;

  private static final String DAILY_2200_ACROSS_MIDNIGHT =
      """
      {"window": {"dailyMaintenanceWindow": {"startTime": "22:00", "duration": "PT4H"}}}
      """;

  /** A Cloud Asset Inventory export's spelling, with an exclusion whose scope is not NO_UPGRADES. */
  private static final String SNAKE_CASE_EXPORT =
      """
      {"window": {
        "recurring_window": {
          "window": {"start_time": "2024-01-06T02:00:00Z", "end_time": "2024-01-06T06:00:00Z"},
          "recurrence": "FREQ=WEEKLY;BYDAY=SA,SU"},
        "maintenance_exclusions": {
          "minor-freeze": {"start_time": "2024-03-01T00:00:00Z", "end_time": "2024-04-01T00:00:00Z",
                           "maintenance_exclusion_options": {"scope": "NO_MINOR_UPGRADES"}}}}}
      """;

  private static final String SNAKE_CASE_DAILY =
      """
      {"window": {"daily_maintenance_window": {"start_time": "03:00", "duration": "PT4H0M0S"}}}
      """;

  /** Exclusions as a list of named objects, one without the proto3-omitted default scope. */
  private static final String EXCLUSIONS_AS_LIST =
      """
      {"window": {
        "dailyMaintenanceWindow": {"startTime": "03:00"},
        "maintenanceExclusions": [
          {"name": "black-friday", "startTime": "2024-11-29T00:00:00Z", "endTime": "2024-12-02T00:00:00Z"}]}}
      """;

  private static final String EXCLUSIONS_WITHOUT_WINDOW =
      """
      {"window": {"maintenanceExclusions": {
        "freeze": {"startTime": "2024-12-20T00:00:00Z", "endTime": "2025-01-02T00:00:00Z"}}}}
      """;

  private static MaintenancePolicy policy(String json) {
    try {
      return MaintenancePolicyJson.read(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Optional<String> violation(String policyJson, String time) {
    return policy(policyJson).violation(Instant.parse(time));
  }

  private static Optional<String> none() {
    return Optional.empty();
  }

  @Test
  void weeklyWindowInsideAnOccurrenceIsFine() {
    assertThat(violation(WEEKEND_0200_0600, "2024-03-10T03:30:00Z"), is(none()));
  }

  @Test
  void weeklyWindowOnAWeekdayIsOutside() {
    assertThat(
        violation(WEEKEND_0200_0600, "2024-03-13T03:30:00Z"),
        is(Optional.of("outside the maintenance window (FREQ=WEEKLY;BYDAY=SA,SU, 02:00-06:00 UTC)")));
  }

  @Test
  void weeklyWindowOnTheRightDayButWrongHourIsOutside() {
    assertThat(violation(WEEKEND_0200_0600, "2024-03-10T07:00:00Z").isPresent(), is(true));
  }

  @Test
  void occurrenceStartIsInclusive() {
    assertThat(violation(WEEKEND_0200_0600, "2024-03-09T02:00:00Z"), is(none()));
    assertThat(violation(WEEKEND_0200_0600, "2024-03-09T01:59:59.999Z").isPresent(), is(true));
  }

  @Test
  void occurrenceEndIsExclusive() {
    assertThat(violation(WEEKEND_0200_0600, "2024-03-10T05:59:59.999Z"), is(none()));
    assertThat(violation(WEEKEND_0200_0600, "2024-03-10T06:00:00Z").isPresent(), is(true));
  }

  @Test
  void firstOccurrenceIsTheWindowItselfWithExclusiveEnd() {
    assertThat(violation(WEEKEND_0200_0600, "2024-01-06T02:00:00Z"), is(none()));
    assertThat(violation(WEEKEND_0200_0600, "2024-01-06T06:00:00Z").isPresent(), is(true));
  }

  @Test
  void beforeTheFirstOccurrenceIsOutsideEvenAtTheRightTimeOfDay() {
    assertThat(violation(WEEKEND_0200_0600, "2023-12-31T03:00:00Z").isPresent(), is(true));
  }

  @Test
  void firstOccurrenceCountsEvenWhenTheRuleWouldNotProduceIt() {
    assertThat(violation(FIRST_OCCURRENCE_OFF_RULE, "2024-01-03T03:00:00Z"), is(none()));
    assertThat(violation(FIRST_OCCURRENCE_OFF_RULE, "2024-01-10T03:00:00Z").isPresent(), is(true));
    assertThat(violation(FIRST_OCCURRENCE_OFF_RULE, "2024-01-06T03:00:00Z"), is(none()));
  }

  @Test
  void dailyRuleYearsAfterItsStartIsFastForwarded() {
    assertThat(violation(DAILY_0100_0300_SINCE_2015, "2025-06-15T02:30:00Z"), is(none()));
    assertThat(violation(DAILY_0100_0300_SINCE_2015, "2025-06-15T03:00:00Z").isPresent(), is(true));
    assertThat(violation(DAILY_0100_0300_SINCE_2015, "2025-06-15T00:59:59Z").isPresent(), is(true));
  }

  @Test
  void weeklyRuleDecadesAfterItsStartIsFastForwarded() {
    assertThat(violation(WEEKEND_SINCE_2000, "2030-06-16T03:00:00Z"), is(none()));
    assertThat(violation(WEEKEND_SINCE_2000, "2030-06-19T03:00:00Z").isPresent(), is(true));
  }

  @Test
  void rrulePrefixIsAccepted() {
    MaintenancePolicy prefixed = policy(WEEKEND_WITH_RRULE_PREFIX);
    assertThat(prefixed.problem(), is(nullValue()));
    assertThat(prefixed.recurrence(), is("FREQ=WEEKLY;BYDAY=SA,SU"));
    assertThat(violation(WEEKEND_WITH_RRULE_PREFIX, "2024-03-10T03:30:00Z"), is(none()));
    assertThat(violation(WEEKEND_WITH_RRULE_PREFIX, "2024-03-13T03:30:00Z").isPresent(), is(true));
  }

  @Test
  void recurringWindowAcrossMidnightCoversTheNextMorning() {
    assertThat(violation(FRIDAY_NIGHT_ACROSS_MIDNIGHT, "2024-07-05T23:00:00Z"), is(none()));
    assertThat(violation(FRIDAY_NIGHT_ACROSS_MIDNIGHT, "2024-07-06T01:30:00Z"), is(none()));
    assertThat(
        violation(FRIDAY_NIGHT_ACROSS_MIDNIGHT, "2024-07-06T02:00:00Z"),
        is(Optional.of("outside the maintenance window (FREQ=WEEKLY;BYDAY=FR, 22:00-02:00 UTC)")));
    assertThat(violation(FRIDAY_NIGHT_ACROSS_MIDNIGHT, "2024-07-05T21:59:59Z").isPresent(), is(true));
  }

  @Test
  void countLimitedRuleEndsAfterItsLastOccurrence() {
    assertThat(violation(THREE_DAYS_ONLY, "2024-01-03T03:00:00Z"), is(none()));
    assertThat(violation(THREE_DAYS_ONLY, "2024-01-04T03:00:00Z").isPresent(), is(true));
  }

  @Test
  void windowLongerThanADayIsDescribedByItsLength() {
    MaintenancePolicy monthly = policy(MONTHLY_48_HOURS);
    assertThat(monthly.violation(Instant.parse("2024-02-04T01:00:00Z")), is(none()));
    assertThat(
        monthly.violation(Instant.parse("2024-02-05T02:00:00Z")),
        is(Optional.of("outside the maintenance window (FREQ=MONTHLY;BYDAY=1SA, 02:00 UTC for 48h)")));
  }

  @Test
  void dailyWindowWithDuration() {
    assertThat(violation(DAILY_0300_PT4H, "2024-03-13T03:00:00Z"), is(none()));
    assertThat(violation(DAILY_0300_PT4H, "2024-03-13T06:59:59Z"), is(none()));
    assertThat(
        violation(DAILY_0300_PT4H, "2024-03-13T07:00:00Z"),
        is(Optional.of("outside the daily maintenance window (03:00 UTC for 4h)")));
    assertThat(violation(DAILY_0300_PT4H, "2024-03-13T02:59:59Z").isPresent(), is(true));
  }

  @Test
  void dailyWindowWithoutDurationLastsFourHours() {
    assertThat(violation(DAILY_0300_WITHOUT_DURATION, "2024-03-13T06:59:59Z"), is(none()));
    assertThat(
        violation(DAILY_0300_WITHOUT_DURATION, "2024-03-13T07:00:00Z"),
        is(Optional.of("outside the daily maintenance window (03:00 UTC for 4h)")));
  }

  @Test
  void dailyWindowAcrossMidnightCoversTheNextMorning() {
    assertThat(violation(DAILY_2200_ACROSS_MIDNIGHT, "2024-03-13T23:00:00Z"), is(none()));
    assertThat(violation(DAILY_2200_ACROSS_MIDNIGHT, "2024-03-14T01:59:59Z"), is(none()));
    assertThat(violation(DAILY_2200_ACROSS_MIDNIGHT, "2024-03-14T02:00:00Z").isPresent(), is(true));
    assertThat(violation(DAILY_2200_ACROSS_MIDNIGHT, "2024-03-14T21:59:59Z").isPresent(), is(true));
  }

  @Test
  void exclusionOverridesATimeInsideTheWindow() {
    // Sunday 2024-12-22 03:00 is inside the weekend window.
    assertThat(violation(WEEKEND_0200_0600, "2024-12-22T03:00:00Z"), is(none()));
    assertThat(
        violation(WEEKEND_WITH_HOLIDAY_FREEZE, "2024-12-22T03:00:00Z"),
        is(
            Optional.of(
                "inside maintenance exclusion \"holiday-freeze\" "
                    + "(2024-12-20T00:00:00Z to 2025-01-02T00:00:00Z, scope NO_UPGRADES)")));
  }

  @Test
  void exclusionStartIsInclusiveAndEndExclusive() {
    assertThat(
        violation(WEEKEND_WITH_HOLIDAY_FREEZE, "2024-12-20T00:00:00Z"),
        is(Optional.of(
            "inside maintenance exclusion \"holiday-freeze\" "
                + "(2024-12-20T00:00:00Z to 2025-01-02T00:00:00Z, scope NO_UPGRADES)")));
    // 2025-01-02 is a Thursday: past the exclusion, it is the window that is broken.
    assertThat(
        violation(WEEKEND_WITH_HOLIDAY_FREEZE, "2025-01-02T00:00:00Z").orElseThrow(),
        startsWith("outside the maintenance window"));
    assertThat(violation(WEEKEND_WITH_HOLIDAY_FREEZE, "2025-01-04T03:00:00Z"), is(none()));
  }

  @Test
  void exclusionsListShapeWithDefaultScope() {
    MaintenancePolicy p = policy(EXCLUSIONS_AS_LIST);
    assertThat(p.exclusions().get(0).name(), is("black-friday"));
    assertThat(
        p.violation(Instant.parse("2024-11-30T04:00:00Z")),
        is(Optional.of(
            "inside maintenance exclusion \"black-friday\" "
                + "(2024-11-29T00:00:00Z to 2024-12-02T00:00:00Z, scope NO_UPGRADES)")));
  }

  @Test
  void snakeCaseKeysAreRead() {
    MaintenancePolicy p = policy(SNAKE_CASE_EXPORT);
    assertThat(p.hasWindow(), is(true));
    assertThat(p.violation(Instant.parse("2024-01-13T03:00:00Z")), is(none()));
    assertThat(p.violation(Instant.parse("2024-01-17T03:00:00Z")).isPresent(), is(true));
    // Whatever its scope, being inside an exclusion is a violation.
    assertThat(
        p.violation(Instant.parse("2024-03-02T03:00:00Z")),
        is(Optional.of(
            "inside maintenance exclusion \"minor-freeze\" "
                + "(2024-03-01T00:00:00Z to 2024-04-01T00:00:00Z, scope NO_MINOR_UPGRADES)")));
  }

  @Test
  void snakeCaseDailyWindowIsRead() {
    assertThat(violation(SNAKE_CASE_DAILY, "2024-03-13T04:00:00Z"), is(none()));
    assertThat(violation(SNAKE_CASE_DAILY, "2024-03-13T08:00:00Z").isPresent(), is(true));
  }

  @Test
  void noWindowMeansNoViolation() {
    MaintenancePolicy empty = policy("{}");
    assertThat(empty.hasWindow(), is(false));
    assertThat(empty.problem(), is(nullValue()));
    assertThat(empty.violation(Instant.parse("2024-03-13T03:00:00Z")), is(none()));
    assertThat(empty.describe(), is("no maintenance window"));
  }

  @Test
  void exclusionsWithoutAWindowMeanNoViolation() {
    MaintenancePolicy p = policy(EXCLUSIONS_WITHOUT_WINDOW);
    assertThat(p.hasWindow(), is(false));
    assertThat(p.violation(Instant.parse("2024-12-25T03:00:00Z")), is(none()));
  }

  @Test
  void missingPolicyIsNull() {
    assertThat(MaintenancePolicyJson.read(null), is(nullValue()));
    assertThat(MaintenancePolicyJson.read(NullNode.getInstance()), is(nullValue()));
    assertThat(MaintenancePolicyJson.read(MissingNode.getInstance()), is(nullValue()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=FORTNIGHTLY",
        "not an rrule",
        "FREQ=DAILY;FOO=1",
        "FREQ=WEEKLY;INTERVAL=0",
        "",
        // parses, but no February has a 30th
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"
      })
  void malformedRecurrenceMeansNoUsableWindow(String recurrence) {
    MaintenancePolicy p =
        policy(
            """
            {"window": {"recurringWindow": {
              "window": {"startTime": "2024-01-06T02:00:00Z", "endTime": "2024-01-06T06:00:00Z"},
              "recurrence": "%s"}}}
            """
                .formatted(recurrence));
    assertThat(p.problem(), containsString("invalid recurrence"));
    assertThat(p.hasWindow(), is(false));
    assertThat(p.violation(Instant.parse("2024-03-13T03:30:00Z")), is(none()));
    assertThat(p.describe(), startsWith("unusable maintenance policy (invalid recurrence"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        """
        {"window": {"recurringWindow": {"window": {"startTime": "yesterday", "endTime": "2024-01-06T06:00:00Z"},
          "recurrence": "FREQ=DAILY"}}}""",
        """
        {"window": {"recurringWindow": {"window": {"startTime": "2024-01-06T06:00:00Z",
          "endTime": "2024-01-06T02:00:00Z"}, "recurrence": "FREQ=DAILY"}}}""",
        """
        {"window": {"recurringWindow": {"recurrence": "FREQ=DAILY"}}}""",
        """
        {"window": {"dailyMaintenanceWindow": {"startTime": "25:00"}}}""",
        """
        {"window": {"dailyMaintenanceWindow": {"startTime": "03:00", "duration": "4 hours"}}}""",
        """
        {"window": {"dailyMaintenanceWindow": {"startTime": "03:00", "duration": "PT0S"}}}""",
        """
        {"window": {"dailyMaintenanceWindow": {"startTime": "03:00"},
          "maintenanceExclusions": {"freeze": {"startTime": "2024-12-20", "endTime": "2025-01-02T00:00:00Z"}}}}""",
        """
        {"window": {"dailyMaintenanceWindow": {"startTime": "03:00"},
          "maintenanceExclusions": {"freeze": {"startTime": "2024-12-20T00:00:00Z"}}}}""",
        """
        {"window": {"dailyMaintenanceWindow": {"startTime": "03:00"},
          "recurringWindow": {"window": {"startTime": "2024-01-06T02:00:00Z", "endTime": "2024-01-06T06:00:00Z"},
            "recurrence": "FREQ=DAILY"}}}"""
      })
  void malformedWindowOrExclusionMeansNoUsableWindow(String json) {
    MaintenancePolicy p = policy(json);
    assertThat(p.problem(), is(not(nullValue())));
    assertThat(p.hasWindow(), is(false));
    assertThat(p.violation(Instant.parse("2024-12-25T12:00:00Z")), is(none()));
  }

  @Test
  void problemNamesTheFieldAndTheBadValue() {
    assertThat(
        policy(
                """
                {"window": {"recurringWindow": {"window": {"startTime": "yesterday", "endTime": "2024-01-06T06:00:00Z"},
                  "recurrence": "FREQ=DAILY"}}}""")
            .problem(),
        is("recurringWindow startTime \"yesterday\" is not an RFC 3339 timestamp"));
    assertThat(
        policy("""
            {"window": {"dailyMaintenanceWindow": {"startTime": "03:00", "duration": "4 hours"}}}""")
            .problem(),
        is("dailyMaintenanceWindow duration \"4 hours\" is not an ISO-8601 duration"));
    assertThat(
        policy(
                """
                {"window": {"dailyMaintenanceWindow": {"startTime": "03:00"},
                  "maintenanceExclusions": {"freeze": {"startTime": "2024-12-20T00:00:00Z"}}}}""")
            .problem(),
        is("maintenance exclusion \"freeze\" endTime is missing"));
  }

  @Test
  void oddlyTypedFieldsGiveNoWindowInsteadOfThrowing() {
    MaintenancePolicy p =
        policy("""
            {"window": {"recurringWindow": "weekly", "maintenanceExclusions": 5}}""");
    assertThat(p.hasWindow(), is(false));
    assertThat(p.problem(), is(nullValue()));
    assertThat(p.exclusions().isEmpty(), is(true));
  }

  @Test
  void ruleTooSparseForLibRecurNearTheEventGivesNoViolationRatherThanThrowing() {
    // Valid, first instance found, but lib-recur gives up looking for the next 29th of February minute by minute.
    MaintenancePolicy p =
        policy(
            """
            {"window": {"recurringWindow": {
              "window": {"startTime": "2016-02-29T02:00:00Z", "endTime": "2016-02-29T02:01:00Z"},
              "recurrence": "FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=29"}}}
            """);
    assertThat(p.problem(), is(nullValue()));
    assertThat(p.violation(Instant.parse("2017-06-01T00:00:00Z")), is(none()));
  }

  @Test
  void offsetTimestampsAreNormalisedToUtc() {
    MaintenancePolicy p =
        policy(
            """
            {"window": {"recurringWindow": {
              "window": {"startTime": "2024-01-06T03:00:00+01:00", "endTime": "2024-01-06T07:00:00+01:00"},
              "recurrence": "FREQ=WEEKLY;BYDAY=SA,SU"}}}
            """);
    assertThat(p.violation(Instant.parse("2024-03-10T02:00:00Z")), is(none()));
    assertThat(
        p.violation(Instant.parse("2024-03-10T06:00:00Z")),
        is(Optional.of("outside the maintenance window (FREQ=WEEKLY;BYDAY=SA,SU, 02:00-06:00 UTC)")));
  }

  @Test
  void describeRecurringWindowWithExclusion() {
    assertThat(
        policy(WEEKEND_WITH_HOLIDAY_FREEZE).describe(),
        is(
            "maintenance window FREQ=WEEKLY;BYDAY=SA,SU, 02:00-06:00 UTC, first 2024-01-06T02:00:00Z;"
                + " exclusions: \"holiday-freeze\" (2024-12-20T00:00:00Z to 2025-01-02T00:00:00Z, scope NO_UPGRADES)"));
  }

  @Test
  void describeDailyWindow() {
    assertThat(policy(DAILY_0300_PT4H).describe(), is("daily maintenance window 03:00 UTC for 4h"));
    assertThat(
        policy("""
            {"window": {"dailyMaintenanceWindow": {"startTime": "3:30", "duration": "PT2H30M"}}}""")
            .describe(),
        is("daily maintenance window 03:30 UTC for 2h30m"));
  }

  @Test
  void jsonRoundTripKeepsOnlyTextsAndBehavesTheSame() throws JsonProcessingException {
    MaintenancePolicy original = policy(WEEKEND_WITH_HOLIDAY_FREEZE);
    String json = MAPPER.writeValueAsString(original);
    MaintenancePolicy copy = MAPPER.readValue(json, MaintenancePolicy.class);
    assertThat(copy, is(original));
    assertThat(
        MAPPER.readTree(json).fieldNames().next(), is("recurringStart"));
    assertThat(
        copy.violation(Instant.parse("2024-12-22T03:00:00Z")),
        is(original.violation(Instant.parse("2024-12-22T03:00:00Z"))));
  }

  /** Issue 13 item 12: FREQ=SECONDLY or MINUTELY from 1970 cost seconds per event; the iteration is bounded now. */
  @Test
  void subDailyRulesFrom1970AreCheapAndStillExact() {
    String minutely =
        """
        {"window": {"recurringWindow": {"window": {"startTime": "1970-01-01T00:00:00Z", "endTime": "1970-01-01T00:00:20Z"},
          "recurrence": "FREQ=MINUTELY;INTERVAL=7"}}}
        """;
    String secondly =
        """
        {"window": {"recurringWindow": {"window": {"startTime": "1970-01-01T00:00:00Z", "endTime": "1970-01-01T00:00:01Z"},
          "recurrence": "FREQ=SECONDLY;INTERVAL=10"}}}
        """;
    long started = System.nanoTime();
    // 2026-11-02T10:00:00Z is 29,893,560 minutes after the epoch, 4 more than a multiple of 7: 10:03 starts a window.
    assertThat(violation(minutely, "2026-11-02T10:03:10Z"), is(none()));
    assertThat(violation(minutely, "2026-11-02T10:03:30Z").isPresent(), is(true));
    assertThat(violation(minutely, "2026-11-02T10:00:10Z").isPresent(), is(true));
    assertThat(violation(secondly, "2026-11-02T10:00:00.500Z"), is(none()));
    assertThat(violation(secondly, "2026-11-02T10:00:05Z").isPresent(), is(true));
    assertThat((System.nanoTime() - started) / 1_000_000L < 2_000L, is(true));
  }

  /** Issue 13 item 2: a daily duration whose arithmetic overflowed is a reported problem, not a crash. */
  @Test
  void anOverflowingDailyDurationIsAProblemNotAnException() {
    MaintenancePolicy policy = policy(
        """
        {"window": {"dailyMaintenanceWindow": {"startTime": "03:00", "duration": "PT2562047788015215H"}}}
        """);
    assertThat(policy.problem(), org.hamcrest.Matchers.containsString("not between 0 and 24 hours"));
    assertThat(policy.violation(Instant.parse("2026-11-02T10:00:00Z")), is(none()));
  }

  @Test
  void windowTimesOutsideTheAcceptedRangeAreAProblem() {
    MaintenancePolicy policy = policy(
        """
        {"window": {"recurringWindow": {"window": {"startTime": "0001-01-01T00:00:00Z", "endTime": "9999-01-01T00:00:00Z"},
          "recurrence": "FREQ=DAILY"}}}
        """);
    assertThat(policy.problem(), org.hamcrest.Matchers.containsString("outside the accepted range"));
  }
}
