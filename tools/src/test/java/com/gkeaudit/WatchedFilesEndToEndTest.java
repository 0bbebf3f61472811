package com.gkeaudit;

import static com.gkeaudit.GkeAuditPipelineEndToEndTest.findingIds;
import static com.gkeaudit.GkeAuditPipelineEndToEndTest.sorted;
import static com.gkeaudit.GkeAuditPipelineEndToEndTest.lateDeadLetters;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import com.gkeaudit.model.Times;
import com.gkeaudit.options.GkeAuditOptions;
import com.gkeaudit.parse.LogEntryParser;
import com.gkeaudit.parse.SampleRecords;
import com.gkeaudit.tools.PublishExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live equals backfill, for watched files: half of the samples are in the watched directory when the stream starts
 * (a backlog), the other half is moved in once findings have appeared, plus a file with one ordinary entry after the
 * last (as {@code PublishExport --append-after-last} does for Pub/Sub, so every deadline of the samples passes). The
 * findings must be the batch run's over all samples, by finding_id, each written once, and nothing may be late.
 *
 * <p>The split is by day (in the hourly path, {@code <log>/YYYY/MM/DD/HH...}): all but the last two days go first, the
 * last two later (the samples' findings are on their last three days, so the first part gives findings of its own). Splitting by file count instead would cut a day in two between its activity and data_access halves,
 * and entries of the second part older than the first part's newest would be late once the watermark has moved past
 * the first part (exact equality could not hold); the test checks the day split has no such overlap.
 */
@org.junit.jupiter.api.Tag("integration") // docs/architecture.md, "Tests"
class WatchedFilesEndToEndTest {
  private static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();
  private static final Path LOGS = SAMPLES.resolve("cloudaudit.googleapis.com");
  private static final long TIMEOUT_MILLIS = 120_000;
  /** After the last finding appears: long enough for another watermark step and output pane, were one coming. */
  private static final long SETTLE_MILLIS = 8_000;

  @Test
  void filesArrivingWhileTheStreamRunsFindExactlyWhatTheBatchRunFinds(
      @TempDir Path batchOut, @TempDir Path streamOut, @TempDir Path watched, @TempDir Path staging)
      throws Exception {
    GkeAuditPipelineEndToEndTest.run(batchOut);
    List<String> batchIds = findingIds(batchOut);
    assertThat("the batch run finds something to compare", batchIds.isEmpty(), is(false));

    List<Path> files;
    try (Stream<Path> walk = Files.walk(LOGS)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    List<String> days = new ArrayList<>(new TreeSet<>(files.stream().map(WatchedFilesEndToEndTest::day).toList()));
    // The samples' incidents all fall on their last three days, so the backlog holds all but the last two days: it
    // gives findings (the 11-09 ones) before the rest arrives.
    String firstLater = days.get(days.size() - 2);
    List<Path> early = files.stream().filter(f -> day(f).compareTo(firstLater) < 0).toList();
    // Moved in hour by hour, as a sink would write them: a poll between two moves then sees no older hour later.
    List<Path> later = files.stream()
        .filter(f -> day(f).compareTo(firstLater) >= 0)
        .sorted(java.util.Comparator.comparing((Path f) -> LOGS.relativize(f).subpath(1, 5).toString())
            .thenComparing(Path::toString))
        .toList();
    long newestEarly = newest(early);
    long newestAll = Math.max(newestEarly, newest(later));
    assertThat("the later files hold nothing older than the early ones' newest", oldest(later),
        greaterThan(newestEarly));

    copyInto(watched, early, staging);
    GkeAuditOptions options =
        PipelineOptionsFactory.fromArgs(
                "--inputFiles=" + watched + "/**",
                "--watchIntervalSeconds=1",
                "--idleWatermarkSeconds=3",
                "--outputFlushSeconds=2",
                "--clusterMetadata=" + SAMPLES.resolve("cluster-metadata.json"),
                "--outputDir=" + streamOut,
                "--targetParallelism=2")
            .withValidation()
            .as(GkeAuditOptions.class);
    long started = System.currentTimeMillis();
    PipelineResult stream = GkeAuditPipeline.build(options).run();
    try {
      long deadline = started + TIMEOUT_MILLIS;
      while (findingIds(streamOut).isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(500);
      }
      assertThat("the backlog gave findings", findingIds(streamOut).isEmpty(), is(false));

      copyInto(watched, later, staging);
      Path afterLast = staging.resolve("after-last.json");
      Files.write(afterLast, PublishExport.afterTheLastEntry(newestAll * Times.NANOS_PER_MILLI, "sample-project"));
      Files.createDirectories(watched.resolve("zz"));
      Files.move(afterLast, watched.resolve("zz/after-last.json"), StandardCopyOption.ATOMIC_MOVE);

      int expected = new TreeSet<>(batchIds).size();
      List<String> streamIds = findingIds(streamOut);
      while (new TreeSet<>(streamIds).size() < expected && System.currentTimeMillis() < deadline) {
        Thread.sleep(500);
        streamIds = findingIds(streamOut);
      }
      Thread.sleep(SETTLE_MILLIS);
      streamIds = findingIds(streamOut);

      assertThat("each finding written once", new ArrayList<>(new TreeSet<>(streamIds)), is(sorted(streamIds)));
      assertThat(sorted(streamIds), is(sorted(batchIds)));
      Map<String, Long> counters = com.gkeaudit.io.PipelineCounters.of(stream);
      assertThat("nothing arrived late", counters.getOrDefault("records_late", 0L), is(0L));
      assertThat(lateDeadLetters(streamOut), is(empty()));
      System.out.printf("watched-files stream matched the batch run's %d findings in %d s%n", expected,
          (System.currentTimeMillis() - started) / 1000);
    } finally {
      stream.cancel();
    }
  }

  /** {@code YYYY/MM/DD} of a sample file, from its path under its log's directory. */
  private static String day(Path file) {
    Path relative = LOGS.relativize(file);
    return relative.subpath(1, 4).toString();
  }

  /** Copies the files under the watched directory, each written beside it first and moved in whole. */
  private static void copyInto(Path watched, List<Path> files, Path staging) throws IOException {
    for (Path file : files) {
      Path target = watched.resolve(LOGS.relativize(file).toString());
      Path temp = staging.resolve("copy.tmp");
      // A plain copy, stamped with today: the few lines without any timestamp must not drag the watermark there.
      Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
      Files.createDirectories(target.getParent());
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static long newest(List<Path> files) throws IOException {
    return times(files).stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
  }

  private static long oldest(List<Path> files) throws IOException {
    return times(files).stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
  }

  /** Event times (epoch millis) of the files' entries, as the parser reads them. */
  private static List<Long> times(List<Path> files) throws IOException {
    List<Long> times = new ArrayList<>();
    for (Path file : files) {
      for (byte[] record : SampleRecords.of(file)) {
        Long nanos = LogEntryParser.eventTimeNanos(record);
        if (nanos != null) {
          times.add(Math.floorDiv(nanos, Times.NANOS_PER_MILLI));
        }
      }
    }
    return times;
  }
}
