package com.gkeaudit.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {
  private final List<String> records = new ArrayList<>();
  private final List<String> oversized = new ArrayList<>();

  private void read(byte[] input, int cap, int chunkLimit) throws IOException {
    InputStream in =
        new ByteArrayInputStream(input) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, chunkLimit));
          }
        };
    new LineReader(cap, 4)
        .read(
            in,
            new LineReader.Sink() {
              @Override
              public void record(byte[] buf, int offset, int length, long lineNumber) {
                records.add(lineNumber + ":" + new String(buf, offset, length, StandardCharsets.UTF_8));
              }

              @Override
              public void oversized(byte[] prefix, int prefixLength, long fullLength, long lineNumber) {
                oversized.add(lineNumber + ":" + new String(prefix, 0, prefixLength, StandardCharsets.UTF_8) + "/" + fullLength);
              }
            });
  }

  @Test
  void splitsOnNewlinesAcrossReadBoundariesAndStripsCarriageReturns() throws IOException {
    read("alpha\r\nbeta\n\ngamma".getBytes(StandardCharsets.UTF_8), 100, 3);
    assertThat(records, contains("1:alpha", "2:beta", "3:", "4:gamma"));
  }

  @Test
  void readingABatchAtATimeGivesTheSameRecordsAndStopsShortOnlyAtTheEnd() throws IOException {
    byte[] input = "a\r\nbb\n\n0123456789abcdef\nccc\nlast".getBytes(StandardCharsets.UTF_8);
    read(input, 10, 3);
    List<String> whole = new ArrayList<>(records);
    whole.addAll(oversized);
    for (int max : new int[] {1, 2, 5, 6, 100}) {
      List<String> seen = new ArrayList<>();
      LineReader reader = new LineReader(10, 4);
      InputStream in = new ByteArrayInputStream(input) {
        @Override
        public synchronized int read(byte[] b, int off, int len) {
          return super.read(b, off, Math.min(len, 3));
        }
      };
      LineReader.Sink sink = new LineReader.Sink() {
        @Override
        public void record(byte[] buf, int offset, int length, long lineNumber) {
          seen.add(lineNumber + ":" + new String(buf, offset, length, StandardCharsets.UTF_8));
        }

        @Override
        public void oversized(byte[] prefix, int prefixLength, long fullLength, long lineNumber) {
          seen.add(lineNumber + ":" + new String(prefix, 0, prefixLength, StandardCharsets.UTF_8) + "/" + fullLength);
        }
      };
      int got;
      List<Integer> counts = new ArrayList<>();
      while ((got = reader.read(in, sink, max)) == max) {
        counts.add(got);
      }
      assertThat("batches of " + max, seen.size(), is(counts.size() * max + got));
      assertThat("and nothing after the end", reader.read(in, sink, max), is(0));
      List<String> expected = new ArrayList<>(whole);
      expected.sort(java.util.Comparator.comparingInt(r -> Integer.parseInt(r.substring(0, r.indexOf(':')))));
      assertThat("batches of " + max, seen, is(expected));
    }
  }

  @Test
  void aTrailingNewlineDoesNotMakeAnExtraRecord() throws IOException {
    read("one\ntwo\n".getBytes(StandardCharsets.UTF_8), 100, 1000);
    assertThat(records, contains("1:one", "2:two"));
  }

  @Test
  void recordsOverTheCapAreReportedWithTheirPrefixAndSizeAndReadingGoesOn() throws IOException {
    read("short\n0123456789abcdef\nnext".getBytes(StandardCharsets.UTF_8), 10, 5);
    assertThat(records, contains("1:short", "3:next"));
    assertThat(oversized, contains("2:0123/16"));
    assertThat(records.size() + oversized.size(), is(3));
  }

  /** Issue 13 item 12: a line of exactly the cap is a record with LF and CRLF alike, across read boundaries too. */
  @Test
  void aLineOfExactlyTheCapIsARecordWithLfAndCrlfAlike() throws IOException {
    for (int chunk : new int[] {3, 1 << 16}) {
      records.clear();
      oversized.clear();
      read("0123456789\n0123456789\r\n01234567890\r\n0123456789".getBytes(StandardCharsets.UTF_8), 10, chunk);
      assertThat(records, contains("1:0123456789", "2:0123456789", "4:0123456789"));
      assertThat(oversized, contains("3:0123/11"));
    }
  }

  @Test
  void aFailedReadKnowsTheLineAndOffsetWhereItStopped() throws IOException {
    InputStream failing =
        new ByteArrayInputStream("a\nbb\ncc".getBytes(StandardCharsets.UTF_8)) {
          private int calls;

          @Override
          public synchronized int read(byte[] b, int off, int len) {
            if (++calls > 1) {
              throw new java.io.UncheckedIOException(new java.io.EOFException("truncated"));
            }
            return super.read(b, off, Math.min(len, 6));
          }
        };
    LineReader reader = new LineReader(100, 4);
    try {
      reader.read(
          failing,
          new LineReader.Sink() {
            @Override
            public void record(byte[] buf, int offset, int length, long lineNumber) {}

            @Override
            public void oversized(byte[] prefix, int prefixLength, long fullLength, long lineNumber) {}
          });
    } catch (java.io.UncheckedIOException expected) {
      // as a corrupt gzip stream does
    }
    assertThat(reader.linesRead(), is(2L));
    assertThat(reader.bytesConsumed(), is(5L));
  }
}
