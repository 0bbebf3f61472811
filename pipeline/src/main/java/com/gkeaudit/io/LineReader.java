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

  LineReader(int maxRecordBytes, int keptPrefixBytes) {
    this.maxRecordBytes = maxRecordBytes;
    this.keptPrefixBytes = keptPrefixBytes;
  }

  void read(InputStream in, Sink sink) throws IOException {
    byte[] chunk = new byte[CHUNK];
    int n;
    while ((n = in.read(chunk)) >= 0) {
      int start = 0;
      for (int i = start; i < n; i++) {
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
        }
      }
      append(chunk, start, n - start);
    }
    if (pendingFullLength > 0) {
      emit(pending, 0, pendingLength, pendingFullLength, sink);
      pendingLength = 0;
      pendingFullLength = 0;
    }
  }

  private void append(byte[] src, int offset, int length) {
    pendingFullLength += length;
    int room = (pendingFullLength > maxRecordBytes ? keptPrefixBytes : maxRecordBytes) - pendingLength;
    int copy = Math.max(0, Math.min(length, room));
    if (pendingLength + copy > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pendingLength + copy, pending.length * 2));
    }
    System.arraycopy(src, offset, pending, pendingLength, copy);
    pendingLength += copy;
  }

  private void emit(byte[] buf, int offset, int length, long fullLength, Sink sink) {
    lineNumber++;
    int end = offset + length;
    if (length > 0 && buf[end - 1] == '\r' && fullLength == length) {
      length--;
      fullLength--;
    }
    if (fullLength > maxRecordBytes) {
      sink.oversized(buf, Math.min(length, keptPrefixBytes), fullLength, lineNumber);
    } else {
      sink.record(buf, offset, length, lineNumber);
    }
  }
}
