package com.gkeaudit.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The time a stream source reads ahead of parsing is the time the parser gives, for every record of the samples. */
class EventTimeAgreesWithParseTest {
  private static final Path EXPORT = Path.of("..", "samples", "cloudaudit.googleapis.com");

  @Test
  void everySampleRecordGetsTheParsersEventTime() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(EXPORT)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    int logEntries = 0;
    for (Path file : files) {
      for (byte[] record : SampleRecords.of(file)) {
        ParseOutcome outcome = LogEntryParser.parse(record, file.toString());
        if (outcome.isLogEntry()) {
          logEntries++;
          assertThat(file.toString(), LogEntryParser.eventTimeNanos(record), is(outcome.timeNanos()));
        }
      }
    }
    assertThat(logEntries, greaterThan(2000));
  }
}
