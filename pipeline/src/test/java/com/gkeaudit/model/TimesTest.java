package com.gkeaudit.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimesTest {
  @Test
  void parsesEveryFractionLengthAndOffsetLikeTheJdk() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 20_000; i++) {
      long seconds = random.nextLong(0L, 4_102_444_800L); // the accepted range, 1970 to 2100
      int nanos = random.nextInt(1_000_000_000);
      Instant instant = Instant.ofEpochSecond(seconds, nanos);
      String text = instant.toString();
      assertThat(text, Times.parseRfc3339(text), is(Times.toNanos(instant)));
      String offset = OffsetDateTime.ofInstant(instant, java.time.ZoneOffset.ofHours(-5)).toString();
      if (offset.length() >= 20) {
        assertThat(offset, Times.parseRfc3339(offset), is(Times.toNanos(instant)));
      }
    }
  }

  @Test
  void rejectsWhatIsNotRfc3339() {
    for (String bad :
        new String[] {
          "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01 00:00:00Z",
          "2026-01-01T00:00:00.1234567890Z", "yesterday at noon, roughly", "2026-01-01T00:00:0xZ"
        }) {
      assertThat(bad, Times.parseRfc3339(bad), nullValue());
    }
    assertThat(Times.parseRfc3339("2026-01-01T00:00:00Z"), is(Times.toNanos(Instant.parse("2026-01-01T00:00:00Z"))));
  }

  /** Issue 13 item 7: 1677 written with Z used to wrap to 2262; every spelling outside 1970-2100 is rejected now. */
  @Test
  void timestampsOutsideTheAcceptedRangeAreRejectedNotWrapped() {
    for (String outside :
        new String[] {
          "1677-09-21T00:00:00Z", "1677-09-21T00:00:00+00:00", "2262-04-12T00:00:00Z", "2262-04-12T00:00:00+00:00",
          "9999-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
          "2100-01-01T00:00:00Z", "2099-12-31T23:00:00-01:00", "1970-01-01T00:30:00+01:00"
        }) {
      assertThat(outside, Times.parseRfc3339(outside), nullValue());
      assertThat(outside, Times.problem(outside), org.hamcrest.Matchers.containsString("outside the accepted range"));
    }
    assertThat(Times.parseRfc3339("1970-01-01T00:00:00Z"), is(0L));
    assertThat(Times.parseRfc3339("2099-12-31T23:59:59.999999999Z"), is(Times.MAX_NANOS - 1));
    assertThat(Times.problem("yesterday at noon, roughly"), org.hamcrest.Matchers.startsWith("not an RFC 3339"));
  }
}
