package com.gkeaudit.io;

import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Times;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches export-file patterns (local or {@code gs://}, {@code **} globs, {@code .gz} by extension, as {@link
 * ReadAuditExports}) and reads every new file's lines as a stream, with the Pub/Sub source's semantics: each element
 * is a batch of at most {@value #BATCH} lines as {@link StreamEntry}s (record id = the file's path, with the line's
 * number), event time from the LogEntry's {@code timestamp} (else its {@code receiveTimestamp}, else the file's
 * last-modified time), and a watermark estimated by {@link InputWatermark}: every line is a read, and a poll that
 * finds no new file while nothing is left unread is the "empty pull". So a backlog of existing files is read
 * completely before anything is released; once no new line has been read for {@code idle}, the watermark moves past
 * the newest event time read.
 *
 * <p>A file is new by its path: export files are written once (a sink writes each hourly object whole; a local copy
 * should be moved into place, not written where the pattern sees it). New files are read in path order, which for a
 * sink's {@code YYYY/MM/DD/HH} layout is time order. The checkpoint carries the watermark state, the files read
 * completely, and the file in progress with how many lines were emitted: a resumed reader re-opens it and skips them.
 * One reader, like {@link PubsubEntrySource}, for the same reason: one watermark over all the input.
 */
public final class WatchedExportsSource
    extends UnboundedSource<List<StreamEntry>, WatchedExportsSource.Checkpoint> {
  private static final Logger LOG = LoggerFactory.getLogger(WatchedExportsSource.class);
  static final int BATCH = 1000;

  private final List<String> patterns;
  private final long pollMillis;
  private final long idleMillis;
  private final long latenessMillis;
  private final int maxRecordBytes;

  private WatchedExportsSource(
      List<String> patterns, long pollMillis, long idleMillis, long latenessMillis, int maxRecordBytes) {
    this.patterns = List.copyOf(patterns);
    this.pollMillis = pollMillis;
    this.idleMillis = idleMillis;
    this.latenessMillis = latenessMillis;
    this.maxRecordBytes = maxRecordBytes;
  }

  public static WatchedExportsSource of(
      List<String> patterns, Duration pollInterval, Duration idle, Duration allowedLateness) {
    return new WatchedExportsSource(
        patterns, pollInterval.getMillis(), idle.getMillis(), allowedLateness.getMillis(),
        ReadAuditExports.MAX_RECORD_BYTES);
  }

  /** A lower cap, for tests of the too-large path. */
  WatchedExportsSource withMaxRecordBytes(int bytes) {
    return new WatchedExportsSource(patterns, pollMillis, idleMillis, latenessMillis, bytes);
  }

  @Override
  public List<WatchedExportsSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public UnboundedReader<List<StreamEntry>> createReader(PipelineOptions options, Checkpoint restored) {
    FileSystems.setDefaultPipelineOptions(options);
    Checkpoint from = restored == null ? Checkpoint.initial() : restored;
    return new Reader(this, from, new InputWatermark(idleMillis, latenessMillis, from.watermark()));
  }

  @Override
  public Coder<Checkpoint> getCheckpointMarkCoder() {
    return CheckpointCoder.INSTANCE;
  }

  @Override
  public Coder<List<StreamEntry>> getOutputCoder() {
    return ListCoder.of(StreamEntry.Coder.of());
  }

  /**
   * The files of a poll not seen before ({@code known}: read, queued or in progress), each once even when several
   * patterns match it, in path order.
   */
  static List<MatchResult.Metadata> newFiles(Collection<MatchResult.Metadata> matched, Set<String> known) {
    TreeMap<String, MatchResult.Metadata> fresh = new TreeMap<>();
    for (MatchResult.Metadata file : matched) {
      if (file.resourceId().isDirectory()) {
        continue;
      }
      String path = file.resourceId().toString();
      if (!known.contains(path)) {
        fresh.putIfAbsent(path, file);
      }
    }
    return new ArrayList<>(fresh.values());
  }

  /** A line as a stream entry: its bytes copied, its event time as described on the class. */
  static StreamEntry toEntry(
      byte[] buf, int offset, int length, long fullLength, String path, long lineNumber, long fileModifiedMillis,
      InputWatermark watermark, long wallMillis) {
    byte[] data = Arrays.copyOfRange(buf, offset, offset + length);
    Long nanos = fullLength > length ? null : StreamEntry.entryTimestamp(data);
    long watermarkBefore = watermark.watermark(wallMillis);
    if (nanos == null) {
      long millis = InputWatermark.placeUntimed(watermarkBefore, fileModifiedMillis);
      return new StreamEntry(
          data, path, millis, StreamEntry.FROM_NONE, false, watermarkBefore, lineNumber, fullLength);
    }
    long millis = Math.floorDiv(nanos, Times.NANOS_PER_MILLI);
    boolean late = watermark.onRead(millis, wallMillis);
    return new StreamEntry(data, path, millis, StreamEntry.FROM_ENTRY, late, watermarkBefore, lineNumber, fullLength);
  }

  /** A file being read: its lines are split by {@link LineReader}, a batch at a time. */
  private static final class OpenFile {
    final String path;
    final long modifiedMillis;
    final InputStream in;
    final LineReader lines;
    long emitted;

    OpenFile(MatchResult.Metadata file, int maxRecordBytes) throws IOException {
      this.path = file.resourceId().toString();
      this.modifiedMillis = file.lastModifiedMillis();
      this.in = Channels.newInputStream(
          Compression.detect(path).readDecompressed(FileSystems.open(file.resourceId())));
      this.lines = new LineReader(maxRecordBytes, DeadLetter.MAX_RAW_BYTES);
    }
  }

  static final class Reader extends BatchReader {
    private static final LineReader.Sink SKIP = new LineReader.Sink() {
      @Override
      public void record(byte[] buf, int offset, int length, long lineNumber) {}

      @Override
      public void oversized(byte[] prefix, int prefixLength, long fullLength, long lineNumber) {}
    };

    private final WatchedExportsSource source;
    private final TreeSet<String> done;
    private final Deque<MatchResult.Metadata> queue = new ArrayDeque<>();
    /** The file a restored checkpoint was reading, and how many of its lines were emitted. */
    private String resumePath;
    private long resumeLines;
    private OpenFile open;
    /** Files that could not be opened since the last batch, as dead-letter entries for the next one. */
    private final List<StreamEntry> failures = new ArrayList<>();
    private long lastPollWall = -1;

    Reader(WatchedExportsSource source, Checkpoint from, InputWatermark watermark) {
      super(watermark);
      this.source = source;
      this.done = new TreeSet<>(from.done());
      this.resumePath = from.current().isEmpty() ? null : from.current();
      this.resumeLines = from.currentLines();
    }

    @Override
    protected boolean draining() {
      return source.patterns.stream().anyMatch(StreamDrain::requested);
    }

    /** Reads lines until a batch is full or nothing is left to read until the next poll. */
    @Override
    public boolean advance() throws IOException {
      if (draining()) {
        // Draining: lines not read yet stay in their files, and the checkpoint says where reading stopped.
        return emit(List.of());
      }
      long now = System.currentTimeMillis();
      List<StreamEntry> batch = new ArrayList<>(failures);
      failures.clear();
      while (batch.size() < BATCH) {
        if (open == null) {
          if (queue.isEmpty()) {
            if (lastPollWall >= 0 && now - lastPollWall < source.pollMillis) {
              break;
            }
            lastPollWall = now;
            int found = poll();
            if (found == 0) {
              watermark.onEmptyPull();
            }
            if (found <= 0) {
              break;
            }
          }
          open = openNext();
          if (open == null) {
            continue;
          }
        }
        OpenFile file = open;
        int wanted = BATCH - batch.size();
        int got;
        try {
          got = file.lines.read(file.in, new LineReader.Sink() {
            @Override
            public void record(byte[] buf, int offset, int length, long lineNumber) {
              batch.add(toEntry(buf, offset, length, length, file.path, lineNumber, file.modifiedMillis, watermark,
                  now));
            }

            @Override
            public void oversized(byte[] prefix, int prefixLength, long fullLength, long lineNumber) {
              // Never more than the cap, so the entry's data is always shorter than the record: that marks it.
              int kept = Math.min(prefixLength, source.maxRecordBytes);
              batch.add(toEntry(prefix, 0, kept, fullLength, file.path, lineNumber, file.modifiedMillis, watermark,
                  now));
            }
          }, wanted);
        } catch (IOException e) {
          // A corrupt gzip member or a vanished object: keep what was read, dead-letter the failure, move on.
          LOG.warn("reading {} stopped after {} lines: {}", file.path, file.emitted, e.toString());
          batch.add(failure(file.path, file.emitted, e, now));
          got = 0;
          wanted = 1;
        }
        file.emitted += got;
        if (got < wanted) {
          finish(file);
        }
      }
      if (batch.isEmpty()) {
        return false;
      }
      return emit(batch);
    }

    /** Matches the patterns and queues the files not seen before; returns how many. */
    private int poll() {
      Set<String> known = new HashSet<>(done);
      queue.forEach(file -> known.add(file.resourceId().toString()));
      List<MatchResult.Metadata> matched = new ArrayList<>();
      try {
        // Local patterns are walked by InputFiles (bounded, loop-safe: Beam's local match follows links back to
        // their parent without end); the files it names, and remote patterns, are matched by the file system.
        List<String> specs = new ArrayList<>();
        for (String pattern : source.patterns) {
          if (InputFiles.isRemote(pattern)) {
            specs.add(pattern);
          } else {
            specs.addAll(InputFiles.currentFiles(pattern));
          }
        }
        for (MatchResult result : specs.isEmpty()
            ? List.<MatchResult>of()
            : FileSystems.match(specs, EmptyMatchTreatment.ALLOW)) {
          if (result.status() == MatchResult.Status.OK) {
            matched.addAll(result.metadata());
          } else if (result.status() != MatchResult.Status.NOT_FOUND) {
            LOG.warn("matching {} failed: {}", source.patterns, result.status());
          }
        }
      } catch (IOException | InputFiles.BadInputException e) {
        // A transient listing error, or a tree past the walk's bounds, is not an empty poll: try again at the next.
        LOG.warn("matching {} failed: {}", source.patterns, e.getMessage());
        return -1;
      }
      List<MatchResult.Metadata> fresh = newFiles(matched, known);
      // The file a checkpoint was reading comes first: its remaining lines are older than the new files'.
      for (MatchResult.Metadata file : fresh) {
        if (file.resourceId().toString().equals(resumePath)) {
          queue.addFirst(file);
        } else {
          queue.addLast(file);
        }
      }
      if (resumePath != null && queue.stream().noneMatch(f -> f.resourceId().toString().equals(resumePath))) {
        resumePath = null; // gone since the checkpoint
      }
      return fresh.size();
    }

    /** Opens the next queued file, skipping the lines a checkpoint says were emitted; null when it cannot. */
    private OpenFile openNext() {
      MatchResult.Metadata next = queue.pollFirst();
      String path = next.resourceId().toString();
      OpenFile file = null;
      try {
        file = new OpenFile(next, source.maxRecordBytes);
        if (path.equals(resumePath)) {
          long skip = resumeLines;
          resumePath = null;
          while (file.emitted < skip) {
            int got = file.lines.read(file.in, SKIP, (int) Math.min(skip - file.emitted, Integer.MAX_VALUE));
            if (got == 0) {
              break;
            }
            file.emitted += got;
          }
        }
        return file;
      } catch (IOException e) {
        LOG.warn("cannot read {}: {}", path, e.toString());
        failures.add(failure(path, 0, e, System.currentTimeMillis()));
        if (file != null) {
          close(file);
        }
        done.add(path);
        return null;
      }
    }

    private StreamEntry failure(String path, long linesRead, IOException e, long wallMillis) {
      long watermarkNow = watermark.watermark(wallMillis);
      return StreamEntry.unreadable(
          path, linesRead, e.toString(), watermarkNow, InputWatermark.placeUntimed(watermarkNow, wallMillis));
    }

    private void finish(OpenFile file) {
      close(file);
      done.add(file.path);
      open = null;
    }

    private static void close(OpenFile file) {
      try {
        file.in.close();
      } catch (IOException e) {
        LOG.debug("closing {}: {}", file.path, e.toString());
      }
    }

    @Override
    public Checkpoint getCheckpointMark() {
      if (open != null) {
        return new Checkpoint(watermark.snapshot(), List.copyOf(done), open.path, open.emitted);
      }
      // A restored file not yet re-opened is still in progress.
      return new Checkpoint(
          watermark.snapshot(), List.copyOf(done), resumePath == null ? "" : resumePath,
          resumePath == null ? 0 : resumeLines);
    }

    @Override
    public WatchedExportsSource getCurrentSource() {
      return source;
    }

    @Override
    public void close() {
      if (open != null) {
        close(open);
        open = null;
      }
    }
  }

  /**
   * What a resumed reader needs: the watermark estimator's state, the files read completely (sorted), and the file
   * in progress ("" for none) with the number of its lines already emitted.
   */
  public record Checkpoint(InputWatermark.Snapshot watermark, List<String> done, String current, long currentLines)
      implements UnboundedSource.CheckpointMark {
    static Checkpoint initial() {
      return new Checkpoint(InputWatermark.Snapshot.initial(), List.of(), "", 0);
    }

    /** Nothing to acknowledge: files stay where they are. */
    @Override
    public void finalizeCheckpoint() {}
  }

  static final class CheckpointCoder extends AtomicCoder<Checkpoint> {
    static final CheckpointCoder INSTANCE = new CheckpointCoder();
    private static final Coder<List<String>> PATHS = ListCoder.of(StringUtf8Coder.of());

    @Override
    public void encode(Checkpoint checkpoint, OutputStream out) throws IOException {
      CheckpointVersion.write(out);
      InputWatermark.SnapshotCoder.INSTANCE.encode(checkpoint.watermark(), out);
      PATHS.encode(checkpoint.done(), out);
      StringUtf8Coder.of().encode(checkpoint.current(), out);
      VarLongCoder.of().encode(checkpoint.currentLines(), out);
    }

    @Override
    public Checkpoint decode(InputStream in) throws IOException {
      int version = CheckpointVersion.read(in, "watched files");
      return new Checkpoint(
          InputWatermark.SnapshotCoder.INSTANCE.decode(in, version),
          PATHS.decode(in),
          StringUtf8Coder.of().decode(in),
          VarLongCoder.of().decode(in));
    }
  }
}
