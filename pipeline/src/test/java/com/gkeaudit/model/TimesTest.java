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
      long seconds = random.nextLong(-2_000_000_000L, 4_000_000_000L);
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
}
