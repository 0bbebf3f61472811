package com.gkeaudit.io;

import com.gkeaudit.tools.PubsubRest;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Cloud SDK's Pub/Sub emulator as a test fixture: started on a free port, ready when it says "Server started",
 * killed with its whole process tree on {@link #close()}. Where the emulator is not installed, {@link #start()}
 * returns a fixture with {@link #isAvailable()} false and a {@link #reason()}, so a test can
 * {@code assumeTrue(emulator.isAvailable(), emulator.reason())} and be skipped rather than fail.
 *
 * <p>The binary is {@code $PUBSUB_EMULATOR_BIN} when set, otherwise
 * {@code <gcloud sdk root>/platform/pubsub-emulator/bin/cloud-pubsub-emulator} with the root from
 * {@code gcloud info --format=value(installation.sdk_root)} (Debian package google-cloud-cli-pubsub-emulator, or
 * {@code gcloud components install pubsub-emulator}).
 */
public final class PubsubEmulator implements AutoCloseable {
  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final String READY = "Server started, listening on ";

  private final Process process;
  private final int port;
  private final String reason;
  private final Path log;
  private final PubsubRest rest;

  private PubsubEmulator(Process process, int port, Path log, String reason) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.reason = reason;
    this.rest = process == null ? null : new PubsubRest(rootUrl(), null);
  }

  /** Starts the emulator on a free port and waits until it listens, or says why it cannot. */
  public static PubsubEmulator start() {
    String binary;
    try {
      binary = findBinary();
    } catch (IllegalStateException e) {
      return unavailable(e.getMessage());
    }
    if (!new File(binary).canExecute()) {
      return unavailable("the Pub/Sub emulator is not installed (no executable " + binary + "); install "
          + "google-cloud-cli-pubsub-emulator or set PUBSUB_EMULATOR_BIN");
    }
    int port = freePort();
    Path log;
    Process process;
    try {
      log = Files.createTempFile("pubsub-emulator-", ".log");
      process =
          new ProcessBuilder(binary, "--host=localhost", "--port=" + port)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
    } catch (IOException e) {
      return unavailable("cannot start the Pub/Sub emulator " + binary + ": " + e.getMessage());
    }
    PubsubEmulator emulator = new PubsubEmulator(process, port, log, null);
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    try {
      while (true) {
        String output = Files.readString(log, StandardCharsets.ISO_8859_1);
        if (output.contains(READY + port)) {
          return emulator;
        }
        if (!process.isAlive()) {
          emulator.close();
          throw new IllegalStateException(
              "the Pub/Sub emulator exited with " + process.exitValue() + " before it was ready:\n" + tail(output));
        }
        if (System.nanoTime() > deadline) {
          emulator.close();
          throw new IllegalStateException(
              "the Pub/Sub emulator was not ready within " + STARTUP_TIMEOUT.toSeconds() + " s:\n" + tail(output));
        }
        Thread.sleep(100);
      }
    } catch (IOException e) {
      emulator.close();
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      emulator.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the Pub/Sub emulator started", e);
    }
  }

  private static PubsubEmulator unavailable(String reason) {
    return new PubsubEmulator(null, -1, null, reason);
  }

  /** $PUBSUB_EMULATOR_BIN, or the emulator under gcloud's SDK root. */
  static String findBinary() {
    String fromEnv = System.getenv("PUBSUB_EMULATOR_BIN");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    String sdkRoot;
    try {
      Process gcloud =
          new ProcessBuilder("gcloud", "info", "--format=value(installation.sdk_root)")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      byte[] out = gcloud.getInputStream().readAllBytes();
      if (!gcloud.waitFor(60, TimeUnit.SECONDS)) {
        gcloud.destroyForcibly();
        throw new IllegalStateException("gcloud info did not answer within 60 s: Pub/Sub emulator not located");
      }
      sdkRoot = new String(out, StandardCharsets.UTF_8).strip();
      if (gcloud.exitValue() != 0 || sdkRoot.isEmpty()) {
        throw new IllegalStateException(
            "gcloud info failed (exit " + gcloud.exitValue() + "): Pub/Sub emulator not located; set PUBSUB_EMULATOR_BIN");
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "gcloud is not installed and PUBSUB_EMULATOR_BIN is not set: no Pub/Sub emulator", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return Path.of(sdkRoot, "platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator").toString();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(String output) {
    List<String> lines = output.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  public boolean isAvailable() {
    return process != null;
  }

  /** Why the emulator is not available (null when it is). */
  public String reason() {
    return reason;
  }

  public int port() {
    return port;
  }

  /** For {@code --pubsubRootUrl} and PublishExport: {@code http://localhost:PORT}. */
  public String rootUrl() {
    return "http://localhost:" + port;
  }

  /** A REST client on the emulator (create, publish, pull, acknowledge). */
  public PubsubRest rest() {
    return rest;
  }

  public void createTopic(String topic) {
    rest.createTopic(topic);
  }

  public void createSubscription(String subscription, String topic) {
    rest.createSubscription(subscription, topic);
  }

  /**
   * Pulls and acknowledges until {@code count} messages arrived or {@code timeout} passed; returns what arrived.
   */
  public List<PubsubRest.Received> pullAtLeast(String subscription, int count, Duration timeout) {
    List<PubsubRest.Received> received = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (received.size() < count && System.nanoTime() < deadline) {
      List<PubsubRest.Received> batch = rest.pull(subscription, Math.min(1000, count - received.size() + 10));
      rest.acknowledge(subscription, batch.stream().map(PubsubRest.Received::ackId).toList());
      received.addAll(batch);
      if (batch.isEmpty()) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return received;
  }

  /** The emulator's output so far (for failure messages). */
  public String log() {
    try {
      return log == null ? "" : Files.readString(log, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** Kills the emulator and every process it started (the launcher script runs a java child). */
  @Override
  public void close() {
    if (process == null) {
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        handle.destroyForcibly();
      }
    }
    try {
      if (log != null) {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      // a leftover temp file is harmless
    }
  }
}
