package com.gkeaudit.io;

import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.transforms.JsonCoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestPipelineExtension.class)
class ReadAuditExportsTest {
  private static final String CLUSTER_MANAGER =
      "{\"insertId\":\"cm1\",\"logName\":\"projects/p/logs/cloudaudit.googleapis.com%2Factivity\","
          + "\"timestamp\":\"2026-11-02T10:00:00Z\",\"resource\":{\"type\":\"gke_cluster\",\"labels\":"
          + "{\"project_id\":\"p\",\"location\":\"l\",\"cluster_name\":\"c\"}},\"protoPayload\":{\"serviceName\":"
          + "\"container.googleapis.com\",\"methodName\":\"google.container.v1.ClusterManager.SetLabels\"}}";
  private static final String KUBERNETES =
      "{\"insertId\":\"k1\",\"timestamp\":\"2026-11-02T11:00:00Z\",\"protoPayload\":{\"serviceName\":\"k8s.io\"}}";

  @Test
  void readsPlainAndGzipFilesThroughGlobsAndDeadLettersWhatIsNotALogEntry(TestPipeline pipeline, @TempDir Path dir)
      throws IOException {
    Path hour = Files.createDirectories(dir.resolve("cloudaudit.googleapis.com/activity/2026/11/02"));
    Files.writeString(hour.resolve("10:00:00_10:59:59_S0.json"), CLUSTER_MANAGER + "\n\nnot json\n");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(hour.resolve("11:00:00_11:59:59_S0.json.gz")))) {
      out.write((KUBERNETES + "\n" + "x".repeat(500) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    PCollectionTuple read =
        pipeline.apply(ReadAuditExports.from(List.of(dir + "/**")).withMaxRecordBytes(400).withFileGroups(2));
    PAssert.that(
            read.get(ParseRecords.EVENTS)
                .setCoder(JsonCoder.of(ClusterEvent.class))
                .apply("InsertIds", MapElements.into(TypeDescriptors.strings()).via(ClusterEvent::insertId)))
        .containsInAnyOrder("cm1");
    PAssert.that(
            read.get(ParseRecords.DEAD_LETTERS)
                .setCoder(JsonCoder.of(DeadLetter.class))
                .apply("Reasons", MapElements.into(TypeDescriptors.strings()).via(DeadLetter::reason)))
        .containsInAnyOrder(DeadLetter.NOT_JSON, DeadLetter.TOO_LARGE);
    PAssert.thatSingleton(read.get(ParseRecords.CLOCK).setCoder(VarLongCoder.of()).apply(Max.longsGlobally()))
        .isEqualTo(com.gkeaudit.model.Times.parseRfc3339("2026-11-02T11:00:00Z"));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void aCorruptGzipKeepsWhatWasReadAndDeadLettersTheRest(TestPipeline pipeline, @TempDir Path dir) throws IOException {
    byte[] gzip;
    try (var bytes = new java.io.ByteArrayOutputStream();
        OutputStream out = new GZIPOutputStream(bytes)) {
      out.write((KUBERNETES + "\n").repeat(2000).getBytes(StandardCharsets.UTF_8));
      out.close();
      gzip = bytes.toByteArray();
    }
    byte[] cut = java.util.Arrays.copyOf(gzip, gzip.length / 2);
    Files.write(dir.resolve("broken.json.gz"), cut);
    PCollectionTuple read = pipeline.apply(ReadAuditExports.from(List.of(dir + "/*.gz")));
    PAssert.thatSingleton(
            read.get(ParseRecords.DEAD_LETTERS)
                .setCoder(JsonCoder.of(DeadLetter.class))
                .apply(MapElements.into(TypeDescriptors.strings()).via(DeadLetter::reason)))
        .isEqualTo(DeadLetter.UNREADABLE);
    PAssert.thatSingleton(read.get(ParseRecords.EVENTS).setCoder(JsonCoder.of(ClusterEvent.class)).apply(Count.globally()))
        .isEqualTo(0L);
    pipeline.run().waitUntilFinish();
  }

  /** Issue 13 item 8: the unread rest of a truncated .gz is a record read and a dead letter saying where it stopped. */
  @Test
  void aTruncatedGzipIsARecordReadAndADeadLetterSayingWhereReadingStopped(TestPipeline pipeline, @TempDir Path dir)
      throws IOException {
    byte[] gzip;
    try (var bytes = new java.io.ByteArrayOutputStream();
        OutputStream out = new GZIPOutputStream(bytes)) {
      for (int i = 0; i < 20_000; i++) {
        out.write((KUBERNETES.replace("k1", "k" + i + "-" + Integer.toHexString(i * 7919)) + "\n")
            .getBytes(StandardCharsets.UTF_8));
      }
      out.close();
      gzip = bytes.toByteArray();
    }
    Files.write(dir.resolve("broken.json.gz"), java.util.Arrays.copyOf(gzip, gzip.length / 2));
    PCollectionTuple read = pipeline.apply(ReadAuditExports.from(List.of(dir + "/*.gz")));
    read.get(ParseRecords.EVENTS).setCoder(JsonCoder.of(ClusterEvent.class));
    read.get(ParseRecords.CLOCK).setCoder(VarLongCoder.of());
    PAssert.thatSingleton(
            read.get(ParseRecords.DEAD_LETTERS)
                .setCoder(JsonCoder.of(DeadLetter.class))
                .apply(MapElements.into(TypeDescriptors.strings())
                    .via(d -> d.reason() + " line=" + (d.lineNumber() != null) + " " + d.error().startsWith(
                        "reading stopped at line " + d.lineNumber() + " (byte "))))
        .isEqualTo(DeadLetter.UNREADABLE + " line=true true");
    org.apache.beam.sdk.PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    long readCount = PipelineCounters.get(result, "records_read");
    long other = PipelineCounters.get(result, "records_other_service");
    long dead = PipelineCounters.get(result, "records_dead_letter");
    assertThat(dead, is(1L));
    assertThat(readCount, is(other + dead));
  }
}
