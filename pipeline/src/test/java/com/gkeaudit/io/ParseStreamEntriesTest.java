package com.gkeaudit.io;

import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.transforms.JsonCoder;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Stream entries that are not plain records reach the dead letter with the reason a file read once would give. */
@ExtendWith(TestPipelineExtension.class)
class ParseStreamEntriesTest {
  private static final long T = 1_762_800_000_000L;

  @Test
  void aReadFailureAndAnOversizedLineAreDeadLetteredAsInBatch(TestPipeline pipeline) {
    byte[] prefix = "{\"insertId\":\"big\",\"timestamp\":\"".getBytes(StandardCharsets.UTF_8);
    PCollectionTuple parsed =
        pipeline
            .apply(
                Create.of(
                        StreamEntry.unreadable("/exports/08.json.gz", 120, "java.io.EOFException", T, T),
                        new StreamEntry(prefix, "/exports/09.json", T, StreamEntry.FROM_NONE, false, T, 7, 20_000_000))
                    .withCoder(StreamEntry.Coder.of()))
            .apply(ParseStreamEntries.withSourcePrefix(""));
    PAssert.that(
            parsed
                .get(ParseRecords.DEAD_LETTERS)
                .setCoder(JsonCoder.of(DeadLetter.class))
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via(d -> d.reason() + " " + d.source() + " " + d.lineNumber())))
        .containsInAnyOrder(
            DeadLetter.UNREADABLE + " /exports/08.json.gz null", DeadLetter.TOO_LARGE + " /exports/09.json 7");
    PAssert.that(parsed.get(ParseRecords.EVENTS).setCoder(JsonCoder.of(com.gkeaudit.model.ClusterEvent.class)))
        .empty();
    pipeline.run().waitUntilFinish();
  }
}
