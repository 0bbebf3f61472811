package com.gkeaudit.io;

import java.io.IOException;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * What the stream sources' readers share: each element is a batch of entries (one pull or poll), stamped with its
 * oldest event time, and the watermark comes from an {@link InputWatermark}. Subclasses read in {@link #advance}
 * and hand each batch to {@link #emit}.
 */
abstract class BatchReader extends UnboundedReader<List<StreamEntry>> {
  protected final InputWatermark watermark;
  private List<StreamEntry> current;
  private long currentTimestamp;

  BatchReader(InputWatermark watermark) {
    this.watermark = watermark;
  }

  @Override
  public final boolean start() throws IOException {
    return advance();
  }

  /** Makes {@code batch} the current element; returns whether there is one (an empty batch is none). */
  protected final boolean emit(List<StreamEntry> batch) {
    if (batch.isEmpty()) {
      current = null;
      return false;
    }
    long oldest = Long.MAX_VALUE;
    for (StreamEntry entry : batch) {
      oldest = Math.min(oldest, entry.timestampMillis());
    }
    current = batch;
    currentTimestamp = oldest;
    return true;
  }

  @Override
  public final List<StreamEntry> getCurrent() {
    if (current == null) {
      throw new NoSuchElementException();
    }
    return current;
  }

  /** The batch's oldest event time; each entry moves forward to its own as the batch is split. */
  @Override
  public final Instant getCurrentTimestamp() {
    getCurrent();
    return new Instant(currentTimestamp);
  }

  /** Whether a drain was requested ({@link StreamDrain}): then nothing more is read and the watermark is the end. */
  protected abstract boolean draining();

  @Override
  public final Instant getWatermark() {
    if (draining()) {
      // The end of time: the runner fires every timer, closes every pane and finishes, as a drained Dataflow job.
      return BoundedWindow.TIMESTAMP_MAX_VALUE;
    }
    return new Instant(watermark.watermark(System.currentTimeMillis()));
  }
}
