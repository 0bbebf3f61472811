package com.gkeaudit.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into newline-delimited records without decoding it, so invalid UTF-8 reaches the parser
 * intact and records are handed over without a copy when they fit the read buffer. A record longer than the cap is
 * not held in memory: its first bytes and its full size are reported instead.
 */
final class LineReader {
  private static final int CHUNK = 1 << 16;

  interface Sink {
    void record(byte[] buf, int offset, int length, long lineNumber);

    void oversized(byte[] prefix, int prefixLength, long fullLength, long lineNumber);
  }

  private final int maxRecordBytes;
  private final int keptPrefixBytes;
  private byte[] pending = new byte[CHUNK];
  private int pendingLength;
  private long pendingFullLength;
  private long lineNumber;
  /** The chunk being split: bytes {@code [start, position)} belong to the record in progress. */
  private final byte[] chunk = new byte[CHUNK];
  private int chunkLength;
  private int position;
  private int start;
  private boolean ended;
  /** The last byte appended to {@code pending}, kept or not: a cut line's size excludes its CR too. */
  private byte pendingLastByte;
  /** Bytes of the stream split into records so far (their newlines included). */
  private long consumedBytes;

  LineReader(int maxRecordBytes, int keptPrefixBytes) {
    this.maxRecordBytes = maxRecordBytes;
    this.keptPrefixBytes = keptPrefixBytes;
  }

  /** How many records were handed to the sink so far: a read that fails stopped in the line after them. */
  long linesRead() {
    return lineNumber;
  }

  /** Offset in the (decompressed) stream of the first byte not yet handed over as part of a record. */
  long bytesConsumed() {
    return consumedBytes;
  }

  /** Reads the whole stream. */
  void read(InputStream in, Sink sink) throws IOException {
    while (read(in, sink, Integer.MAX_VALUE) > 0) {}
  }

  /**
   * Reads up to {@code max} records and returns how many were handed to the sink: fewer than {@code max} only once
   * the stream has ended (0 from then on). The next call goes on where this one stopped, so a stream can be read a
   * batch at a time.
   */
  int read(InputStream in, Sink sink, int max) throws IOException {
    int emitted = 0;
    while (emitted < max) {
      if (position == chunkLength) {
        append(chunk, start, chunkLength - start);
        start = 0;
        position = 0;
        chunkLength = 0;
        if (ended) {
          return emitted;
        }
        int n = in.read(chunk);
        if (n < 0) {
          ended = true;
          if (pendingFullLength > 0) {
            emit(pending, 0, pendingLength, pendingFullLength, sink);
            pendingLength = 0;
            pendingFullLength = 0;
            emitted++;
          }
          return emitted;
        }
        chunkLength = n;
        continue;
      }
      for (int i = position; i < chunkLength; i++) {
        if (chunk[i] == '\n') {
          if (pendingFullLength == 0) {
            emit(chunk, start, i - start, i - start, sink);
          } else {
            append(chunk, start, i - start);
            emit(pending, 0, pendingLength, pendingFullLength, sink);
            pendingLength = 0;
            pendingFullLength = 0;
          }
          start = i + 1;
          if (++emitted == max) {
            position = i + 1;
            return emitted;
          }
        }
      }
      position = chunkLength;
    }
    return emitted;
  }

  private void append(byte[] src, int offset, int length) {
    if (length > 0) {
      pendingLastByte = src[offset + length - 1];
    }
    pendingFullLength += length;
    // One byte over the cap is still held whole: it may be the CR of a CRLF line of exactly the cap.
    long holdable = (long) maxRecordBytes + 1;
    int room = (int) ((pendingFullLength > holdable ? keptPrefixBytes : holdable) - pendingLength);
    int copy = Math.max(0, Math.min(length, room));
    if (pendingLength + copy > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pendingLength + copy, pending.length * 2));
    }
    System.arraycopy(src, offset, pending, pendingLength, copy);
    pendingLength += copy;
  }

  private void emit(byte[] buf, int offset, int length, long fullLength, Sink sink) {
    lineNumber++;
    consumedBytes += fullLength + 1;
    int end = offset + length;
    // CRLF and LF lines are the same records, whatever their size (a CRLF line of exactly the cap once was too large).
    if (length > 0 && buf[end - 1] == '\r' && fullLength == length) {
      length--;
      fullLength--;
    } else if (fullLength > length && buf == pending && pendingLastByte == '\r') {
      fullLength--;
    }
    if (fullLength > maxRecordBytes) {
      sink.oversized(buf, Math.min(length, keptPrefixBytes), fullLength, lineNumber);
    } else {
      sink.record(buf, offset, length, lineNumber);
    }
  }
}
