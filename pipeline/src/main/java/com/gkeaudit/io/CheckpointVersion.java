package com.gkeaudit.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The version byte every source checkpoint starts with. A checkpoint outlives the reader that wrote it (a runner
 * restores readers from checkpoints, and a runner that persists them can restore with newer code): a layout this
 * code does not know must be a clear error, never fields read from the wrong bytes. Bump {@link #CURRENT} when a
 * checkpoint's layout changes, and keep decoding the previous one.
 */
final class CheckpointVersion {
  /**
   * 2: the watermark snapshot ends with the first and last wall times of the latest run of empty pulls; 3: then the
   * wall time of the latest read that was not live.
   */
  static final int CURRENT = 3;

  /** The oldest layout still decoded. */
  static final int OLDEST = 1;

  private CheckpointVersion() {}

  static void write(OutputStream out) throws IOException {
    out.write(CURRENT);
  }

  /** Reads the version byte; throws unless it is one {@code what}'s decoder knows. */
  static int read(InputStream in, String what) throws IOException {
    int version = in.read();
    if (version < OLDEST || version > CURRENT) {
      throw new IOException(
          what + " checkpoint: unknown layout version " + version + " (this code reads versions " + OLDEST + " to "
              + CURRENT
              + "); start the stream afresh: unacknowledged messages are redelivered");
    }
    return version;
  }
}
