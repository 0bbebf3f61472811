package com.gkeaudit.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * A tick now and then every {@code interval} (wall clock), for the DirectRunner, that ends when a drain of its key is
 * requested ({@link StreamDrain}). Beam's {@code PeriodicImpulse} never ends on the DirectRunner, so a local stream
 * that refreshes its cluster metadata could never finish a drain. Dataflow drains {@code PeriodicImpulse} itself.
 */
public final class DrainableTicks extends UnboundedSource<Instant, DrainableTicks.Checkpoint> {
  private final String drainKey;
  private final long intervalMillis;

  private DrainableTicks(String drainKey, long intervalMillis) {
    this.drainKey = drainKey;
    this.intervalMillis = intervalMillis;
  }

  /** Ticks every {@code interval}; ends once {@link StreamDrain#request} is called with {@code drainKey}. */
  public static DrainableTicks every(Duration interval, String drainKey) {
    return new DrainableTicks(drainKey, interval.getMillis());
  }

  @Override
  public List<DrainableTicks> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public UnboundedReader<Instant> createReader(PipelineOptions options, Checkpoint restored) {
    return new Reader(this, restored == null ? -1 : restored.lastTickMillis());
  }

  @Override
  public Coder<Checkpoint> getCheckpointMarkCoder() {
    return CheckpointCoder.INSTANCE;
  }

  @Override
  public Coder<Instant> getOutputCoder() {
    return InstantCoder.of();
  }

  /** The wall time of the last tick (-1: none yet), so a restored reader does not tick again at once. */
  public record Checkpoint(long lastTickMillis) implements UnboundedSource.CheckpointMark {
    @Override
    public void finalizeCheckpoint() {}
  }

  private static final class Reader extends UnboundedReader<Instant> {
    private final DrainableTicks source;
    private long lastTickMillis;
    private Instant current;

    Reader(DrainableTicks source, long lastTickMillis) {
      this.source = source;
      this.lastTickMillis = lastTickMillis;
    }

    @Override
    public boolean start() {
      return advance();
    }

    @Override
    public boolean advance() {
      long now = System.currentTimeMillis();
      if (StreamDrain.requested(source.drainKey)
          || (lastTickMillis >= 0 && now - lastTickMillis < source.intervalMillis)) {
        current = null;
        return false;
      }
      lastTickMillis = now;
      current = new Instant(now);
      return true;
    }

    @Override
    public Instant getCurrent() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public Instant getCurrentTimestamp() {
      return getCurrent();
    }

    @Override
    public Instant getWatermark() {
      if (StreamDrain.requested(source.drainKey)) {
        return BoundedWindow.TIMESTAMP_MAX_VALUE;
      }
      // The next tick is no earlier than the last one (or now, before the first).
      return new Instant(lastTickMillis >= 0 ? lastTickMillis : System.currentTimeMillis());
    }

    @Override
    public Checkpoint getCheckpointMark() {
      return new Checkpoint(lastTickMillis);
    }

    @Override
    public DrainableTicks getCurrentSource() {
      return source;
    }

    @Override
    public void close() {}
  }

  static final class CheckpointCoder extends AtomicCoder<Checkpoint> {
    static final CheckpointCoder INSTANCE = new CheckpointCoder();

    @Override
    public void encode(Checkpoint checkpoint, OutputStream out) throws IOException {
      CheckpointVersion.write(out);
      VarLongCoder.of().encode(checkpoint.lastTickMillis(), out);
    }

    @Override
    public Checkpoint decode(InputStream in) throws IOException {
      CheckpointVersion.read(in, "refresh ticks");
      return new Checkpoint(VarLongCoder.of().decode(in));
    }
  }
}
