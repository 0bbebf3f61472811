package com.gkeaudit.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchedExportsSourceTest {
  private static final PipelineOptions OPTIONS = PipelineOptionsFactory.create();

  private static String line(int i) {
    return String.format(
        "{\"insertId\":\"e%d\",\"timestamp\":\"2026-11-10T09:%02d:%02dZ\"}", i, (i / 60) % 60, i % 60);
  }

  private static void write(Path file, int lines) throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= lines; i++) {
      text.append(line(i)).append('\n');
    }
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling(".tmp-" + file.getFileName());
    if (file.toString().endsWith(".gz")) {
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(temp))) {
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
      }
    } else {
      Files.writeString(temp, text);
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  private static WatchedExportsSource source(Path dir) {
    // Poll at every advance; a long idle span so the wall clock plays no part.
    return WatchedExportsSource.of(
        List.of(dir + "/**.json*"), Duration.ZERO, Duration.standardHours(1), Duration.ZERO);
  }

  /** Advances until the reader has nothing more, collecting "path-name:line" of every entry. */
  private static List<String> drain(UnboundedReader<List<StreamEntry>> reader, boolean started, List<Integer> sizes)
      throws IOException {
    List<String> seen = new ArrayList<>();
    boolean more = started ? reader.advance() : reader.start();
    while (more) {
      sizes.add(reader.getCurrent().size());
      for (StreamEntry entry : reader.getCurrent()) {
        seen.add(Path.of(entry.recordId()).getFileName() + ":" + entry.lineNumber());
      }
      more = reader.advance();
    }
    return seen;
  }

  private static MatchResult.Metadata file(String path) {
    return MatchResult.Metadata.builder()
        .setResourceId(FileSystems.matchNewResource(path, false))
        .setSizeBytes(1)
        .setIsReadSeekEfficient(true)
        .setLastModifiedMillis(0)
        .build();
  }

  @Test
  void newFilesAreThoseNotKnownOnceEachInPathOrder() {
    List<MatchResult.Metadata> fresh = WatchedExportsSource.newFiles(
        List.of(file("/x/2026/11/10/10.json"), file("/x/2026/11/10/09.json"), file("/x/2026/11/10/08.json"),
            file("/x/2026/11/10/10.json")),
        Set.of("/x/2026/11/10/08.json"));
    assertThat(fresh.stream().map(f -> f.resourceId().toString()).toList(),
        contains("/x/2026/11/10/09.json", "/x/2026/11/10/10.json"));
    assertThat(WatchedExportsSource.newFiles(List.of(file("/x/a.json")), Set.of("/x/a.json")), is(empty()));
  }

  /**
   * Two links back to their parent under "**" made Beam's local match walk exponentially, at every poll: the watch
   * uses the batch run's bounded, loop-safe walk, and reads the file once.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void linksBackToTheirParentDoNotHangAPollAndTheFileIsReadOnce(@TempDir Path dir) throws IOException {
    Path loop = dir.resolve("L/a");
    write(loop.resolve("x.json"), 2);
    Files.createSymbolicLink(loop.resolve("b1"), Path.of("../a"));
    Files.createSymbolicLink(loop.resolve("b2"), Path.of("../a"));
    UnboundedReader<List<StreamEntry>> reader =
        WatchedExportsSource.of(List.of(dir + "/L/**"), Duration.ZERO, Duration.standardHours(1), Duration.ZERO)
            .createReader(OPTIONS, null);
    assertThat(drain(reader, false, new ArrayList<>()), is(List.of("x.json:1", "x.json:2")));
  }

  @Test
  void readsABacklogInBatchesThenOnlyNewFiles(@TempDir Path dir) throws IOException {
    write(dir.resolve("2026/11/10/09.json"), 2500);
    write(dir.resolve("2026/11/10/08.json.gz"), 3);
    UnboundedReader<List<StreamEntry>> reader = source(dir).createReader(OPTIONS, null);
    List<Integer> sizes = new ArrayList<>();
    assertThat(reader.start(), is(true));
    assertThat("a backlog holds the watermark", reader.getWatermark().getMillis(), is(InputWatermark.NONE));
    StreamEntry first = reader.getCurrent().get(0);
    assertThat("path order: the gzipped hour comes first", first.recordId(), is(dir.resolve("2026/11/10/08.json.gz")
        .toString()));
    assertThat(new String(first.data(), StandardCharsets.UTF_8), is(line(1)));
    assertThat(first.timestampSource(), is(StreamEntry.FROM_ENTRY));
    assertThat(first.timestampMillis(), is(java.time.Instant.parse("2026-11-10T09:00:01Z").toEpochMilli()));
    List<String> rest = drain(reader, true, sizes);
    sizes.add(0, 1000);
    assertThat(sizes, contains(1000, 1000, 503));
    assertThat(rest.size(), is(2503 - 1000));
    assertThat(rest.get(rest.size() - 1), is("09.json:2500"));
    assertThat("caught up after the empty poll", reader.getWatermark().getMillis() > InputWatermark.NONE, is(true));

    write(dir.resolve("2026/11/10/10.json"), 2);
    Files.writeString(dir.resolve("notes.txt"), "not matched\n");
    assertThat(drain(reader, true, new ArrayList<>()), contains("10.json:1", "10.json:2"));
    assertThat(drain(reader, true, new ArrayList<>()), is(empty()));
  }

  @Test
  void aCorruptGzipKeepsItsReadableLinesAndBecomesOneReadFailure(@TempDir Path dir) throws IOException {
    write(dir.resolve("2026/11/10/08.json.gz"), 400);
    Path whole = dir.resolve("2026/11/10/08.json.gz");
    byte[] gzip = Files.readAllBytes(whole);
    Files.write(whole, java.util.Arrays.copyOf(gzip, gzip.length / 2)); // truncated mid-stream
    write(dir.resolve("2026/11/10/09.json"), 2);

    UnboundedReader<List<StreamEntry>> reader = source(dir).createReader(OPTIONS, null);
    List<StreamEntry> entries = new ArrayList<>();
    for (boolean more = reader.start(); more; more = reader.advance()) {
      entries.addAll(reader.getCurrent());
    }
    List<StreamEntry> failures = entries.stream().filter(StreamEntry::isReadFailure).toList();
    assertThat(failures.size(), is(1));
    assertThat(failures.get(0).recordId(), is(whole.toString()));
    assertThat(new String(failures.get(0).data(), StandardCharsets.UTF_8).startsWith("reading stopped after "),
        is(true));
    long lines = entries.stream().filter(e -> !e.isReadFailure()).count();
    assertThat("some lines of the damaged file, then the next file", lines > 2 && lines < 402, is(true));
    assertThat(entries.get(entries.size() - 1).recordId(), is(dir.resolve("2026/11/10/09.json").toString()));
  }

  @Test
  void aResumedReaderSkipsTheLinesAlreadyEmitted(@TempDir Path dir) throws Exception {
    write(dir.resolve("a.json"), 1500);
    write(dir.resolve("b.json.gz"), 1200);
    WatchedExportsSource source = source(dir);
    UnboundedReader<List<StreamEntry>> reader = source.createReader(OPTIONS, null);
    List<String> seen = new ArrayList<>();
    assertThat(reader.start(), is(true));
    reader.getCurrent().forEach(e -> seen.add(Path.of(e.recordId()).getFileName() + ":" + e.lineNumber()));
    assertThat(reader.advance(), is(true)); // a.json 1001..1500, then b.json.gz 1..500
    reader.getCurrent().forEach(e -> seen.add(Path.of(e.recordId()).getFileName() + ":" + e.lineNumber()));
    WatchedExportsSource.Checkpoint checkpoint = (WatchedExportsSource.Checkpoint) reader.getCheckpointMark();
    assertThat(checkpoint.done(), contains(dir.resolve("a.json").toString()));
    assertThat(checkpoint.current(), is(dir.resolve("b.json.gz").toString()));
    assertThat(checkpoint.currentLines(), is(500L));
    reader.close();

    WatchedExportsSource.Checkpoint restored = CoderUtils.clone(source.getCheckpointMarkCoder(), checkpoint);
    UnboundedReader<List<StreamEntry>> resumed = source.createReader(OPTIONS, restored);
    seen.addAll(drain(resumed, false, new ArrayList<>()));
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 1500; i++) {
      expected.add("a.json:" + i);
    }
    for (int i = 1; i <= 1200; i++) {
      expected.add("b.json.gz:" + i);
    }
    assertThat("every line once, in order", seen, is(expected));
    assertThat("the watermark state travels", resumed.getWatermark().getMillis() > InputWatermark.NONE, is(true));
  }

  @Test
  void anOversizedLineKeepsItsPrefixAndSizeAndTheFileTime(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("big.json");
    Files.writeString(file, line(1) + "\n" + "x".repeat(5000) + "\n" + line(2) + "\n");
    UnboundedReader<List<StreamEntry>> reader =
        source(dir).withMaxRecordBytes(1000).createReader(OPTIONS, null);
    assertThat(reader.start(), is(true));
    List<StreamEntry> batch = reader.getCurrent();
    assertThat(batch.size(), is(3));
    StreamEntry big = batch.get(1);
    assertThat(big.oversized(), is(true));
    assertThat(big.fullLength(), is(5000L));
    assertThat(big.lineNumber(), is(2L));
    assertThat(big.timestampSource(), is(StreamEntry.FROM_NONE));
    assertThat(big.timestampMillis(), is(Files.getLastModifiedTime(file).toMillis()));
    assertThat(batch.get(2).oversized(), is(false));
  }

  @Test
  void checkpointCoderRoundTrips() throws Exception {
    Coder<WatchedExportsSource.Checkpoint> coder = WatchedExportsSource.CheckpointCoder.INSTANCE;
    for (WatchedExportsSource.Checkpoint checkpoint : List.of(
        WatchedExportsSource.Checkpoint.initial(),
        new WatchedExportsSource.Checkpoint(
            new InputWatermark.Snapshot(1_731_232_800_000L, 1_731_232_900_000L, 5_000, 4_000, true,
                Map.of(5L, 1_731_232_850_000L, 4L, 1_731_232_810_000L)),
            List.of("gs://b/2026/11/10/08:00:00_08:59:59_S0.json", "/local/caf\u00e9.json.gz"),
            "gs://b/2026/11/10/09:00:00_09:59:59_S0.json", 123_456))) {
      for (Coder.Context context : List.of(Coder.Context.OUTER, Coder.Context.NESTED)) {
        CoderProperties.coderDecodeEncodeEqualInContext(coder, context, checkpoint);
      }
      assertThat(CoderUtils.clone(coder, checkpoint), is(checkpoint));
    }
    CoderProperties.coderSerializable(coder);
  }
}
