package com.gkeaudit.io;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Drain requests for the local stream sources, by input (a subscription path or a file pattern). The DirectRunner
 * runs the readers in the process that received the signal, but builds them from serialized sources and restores
 * them from checkpoints at will, so the request cannot live in a reader: it lives here, and every reader of that
 * input checks it. Once requested, a reader reads nothing more and reports the end of time as its watermark, so the
 * runner fires every pending timer, flushes every output, finalizes the last checkpoint (acknowledging what was read)
 * and finishes in DONE. Dataflow drains with its own machinery ({@code gcloud dataflow jobs drain}).
 */
public final class StreamDrain {
  private static final Map<String, Boolean> REQUESTED = new ConcurrentHashMap<>();

  private StreamDrain() {}

  /** Asks every local reader of {@code input} to stop reading and move its watermark to the end. */
  public static void request(String input) {
    REQUESTED.put(input, Boolean.TRUE);
  }

  static boolean requested(String input) {
    return REQUESTED.containsKey(input);
  }
}
