package com.gkeaudit.io;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class that talks to a real Pub/Sub emulator, one per test class: started before its first test, stopped after
 * its last. Where the emulator is not installed, {@code emulator.isAvailable()} is false and says why; tests skip with
 * {@code assumeTrue(emulator.isAvailable(), emulator.reason())}.
 */
public abstract class WithPubsubEmulator {
  protected static PubsubEmulator emulator;

  @BeforeAll
  static void startEmulator() {
    emulator = PubsubEmulator.start();
  }

  @AfterAll
  static void stopEmulator() {
    if (emulator != null) {
      emulator.close();
      emulator = null;
    }
  }
}
