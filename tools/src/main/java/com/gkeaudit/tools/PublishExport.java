package com.gkeaudit.tools;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gkeaudit.model.Times;
import com.gkeaudit.tools.PubsubRest.Message;
import com.gkeaudit.tools.PubsubRest.PubsubException;
import com.google.auth.oauth2.GoogleCredentials;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Replays audit-log export files into a Pub/Sub topic the way a Cloud Logging sink publishes: one message per
 * LogEntry line, the line's bytes unchanged as the data, and the attribute {@code logging.googleapis.com/timestamp}
 * set to the entry's {@code timestamp}. Lines that are not a LogEntry with a valid RFC 3339 timestamp are published
 * too (without the attribute), so the pipeline's dead letter sees them; blank lines are skipped (a sink never
 * publishes one, and Pub/Sub rejects an empty message).
 *
 * <pre>
 * PublishExport --topic projects/P/topics/T [--input PATH_OR_GLOB[,...]] [--pubsubRootUrl http://localhost:8085]
 *               [--shuffle SEED] [--batch N] [--create [--subscription projects/P/subscriptions/S]]
 *               [--append-after-last]
 * </pre>
 *
 * Exit codes: 0 published, 1 a Pub/Sub or file failure, 2 bad arguments or no way to authenticate.
 */
public final class PublishExport {
  public static final String TIMESTAMP_ATTRIBUTE = "logging.googleapis.com/timestamp";
  static final String DEFAULT_INPUT = "samples/cloudaudit.googleapis.com";
  static final int DEFAULT_BATCH = 500;
  /** Pub/Sub's limit per publish request is 1000 messages and 10 MB; base64 makes 7.5 MB of data about 10 MB. */
  static final int MAX_BATCH = 1000;

  static final long MAX_REQUEST_DATA_BYTES = 6_000_000;

  private static final Pattern TOPIC = Pattern.compile("projects/([a-z0-9][-a-z0-9.:]*)/topics/([A-Za-z][-A-Za-z0-9._~%+]{2,254})");
  private static final Pattern SUBSCRIPTION =
      Pattern.compile("projects/[a-z0-9][-a-z0-9.:]*/subscriptions/[A-Za-z][-A-Za-z0-9._~%+]{2,254}");
  private static final Pattern ROOT_URL = Pattern.compile("https?://[^/\\s]+/?");
  private static final Pattern LOG_NAME_PROJECT = Pattern.compile("projects/([^/]+)/logs/.+");
  private static final JsonFactory JSON_FACTORY = new JsonFactory();
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String USAGE =
      String.join(
          "\n",
          "Usage: PublishExport --topic projects/P/topics/T [options]",
          "Publishes audit-log export lines to Pub/Sub like a Cloud Logging sink: one message per non-blank line,",
          "data = the line's bytes, attribute " + TIMESTAMP_ATTRIBUTE + " = the entry's timestamp (when it has a",
          "valid one; broken lines go without it, for the pipeline to dead-letter).",
          "",
          "  --topic projects/P/topics/T   the topic (required)",
          "  --input PATH_OR_GLOB[,...]    files or directories (recursively, all files) or globs such as",
          "                                'samples/cloudaudit.googleapis.com/**'; .gz files are decompressed",
          "                                (default: " + DEFAULT_INPUT + ")",
          "  --pubsubRootUrl URL           e.g. http://localhost:8085 for the emulator (default: $PUBSUB_EMULATOR_HOST",
          "                                when set, else " + PubsubRest.SERVICE_ROOT_URL + " with Application",
          "                                Default Credentials)",
          "  --shuffle SEED                publish all lines in a random order seeded by SEED (default: file order)",
          "  --batch N                     messages per publish request, 1-" + MAX_BATCH + " (default " + DEFAULT_BATCH
              + ")",
          "  --create                      create the topic when missing",
          "  --subscription projects/P/subscriptions/S   with --create: also create this subscription on the topic",
          "  --append-after-last           finally publish one k8s.io audit entry timed 1 s after the latest",
          "                                timestamp of the input, moving a stream's event-time clock past it",
          "",
          "Exit codes: 0 published, 1 Pub/Sub or file failure, 2 bad arguments or no credentials.");

  private PublishExport() {}

  /** What the command line asks for; {@code rootUrl} and {@code shuffleSeed} may be null. */
  record Settings(
      String topic,
      List<String> inputs,
      String rootUrl,
      Long shuffleSeed,
      int batch,
      boolean create,
      String subscription,
      boolean appendAfterLast,
      boolean help) {

    /** Accepts {@code --name value} and {@code --name=value}. Throws IllegalArgumentException with a one-line reason. */
    static Settings parse(String... args) {
      String topic = null;
      List<String> inputs = null;
      String rootUrl = null;
      Long seed = null;
      int batch = DEFAULT_BATCH;
      boolean create = false;
      String subscription = null;
      boolean appendAfterLast = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        int eq = arg.indexOf('=');
        String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
        String inline = arg.startsWith("--") && eq > 0 ? arg.substring(eq + 1) : null;
        switch (name) {
          case "-h", "--help" -> {
            return new Settings(null, List.of(), null, null, DEFAULT_BATCH, false, null, false, true);
          }
          case "--create", "--append-after-last" -> {
            if (inline != null) {
              throw new IllegalArgumentException(name + " takes no value, got '" + arg + "'");
            }
            if (name.equals("--create")) {
              create = true;
            } else {
              appendAfterLast = true;
            }
          }
          case "--topic", "--input", "--pubsubRootUrl", "--shuffle", "--batch", "--subscription" -> {
            String value = inline;
            if (value == null) {
              if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new IllegalArgumentException(name + " needs a value");
              }
              value = args[++i];
            }
            switch (name) {
              case "--topic" -> topic = matching(name, value, TOPIC, "projects/PROJECT/topics/TOPIC");
              case "--subscription" ->
                  subscription = matching(name, value, SUBSCRIPTION, "projects/PROJECT/subscriptions/NAME");
              case "--pubsubRootUrl" -> rootUrl = matching(name, value, ROOT_URL, "http://HOST:PORT").replaceAll(
                  "/$", "");
              case "--input" -> {
                inputs =
                    Stream.of(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toList());
                if (inputs.isEmpty()) {
                  throw new IllegalArgumentException("--input needs at least one path or pattern");
                }
              }
              case "--shuffle" -> {
                try {
                  seed = Long.parseLong(value);
                } catch (NumberFormatException e) {
                  throw new IllegalArgumentException("--shuffle needs a whole-number seed, got '" + value + "'");
                }
              }
              default -> {
                try {
                  batch = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                  batch = 0;
                }
                if (batch < 1 || batch > MAX_BATCH) {
                  throw new IllegalArgumentException(
                      "--batch must be a whole number from 1 to " + MAX_BATCH + " (Pub/Sub's limit), got '" + value
                          + "'");
                }
              }
            }
          }
          default -> throw new IllegalArgumentException("unknown argument: " + arg);
        }
      }
      if (topic == null) {
        throw new IllegalArgumentException("--topic projects/PROJECT/topics/TOPIC is required");
      }
      if (subscription != null && !create) {
        throw new IllegalArgumentException("--subscription only goes with --create (it names the subscription to create)");
      }
      return new Settings(
          topic,
          inputs == null ? List.of(DEFAULT_INPUT) : List.copyOf(inputs),
          rootUrl,
          seed,
          batch,
          create,
          subscription,
          appendAfterLast,
          false);
    }

    private static String matching(String name, String value, Pattern pattern, String shape) {
      if (!pattern.matcher(value).matches()) {
        throw new IllegalArgumentException(name + " must look like " + shape + ", got '" + value + "'");
      }
      return value;
    }
  }

  public static void main(String[] args) {
    int exitCode = run(args, System.out, System.err, System.getenv());
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  /** Parses, publishes and prints the summary; returns the exit code (0, 1 failure, 2 bad arguments). */
  public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    Settings settings;
    List<Path> files;
    PubsubRest pubsub;
    try {
      settings = Settings.parse(args);
      if (settings.help()) {
        out.println(USAGE);
        return 0;
      }
      files = files(settings.inputs());
      pubsub = connect(settings, env);
    } catch (IllegalArgumentException e) {
      err.println("PublishExport: error: " + e.getMessage());
      return 2;
    } catch (UncheckedIOException e) {
      err.println("PublishExport: error: " + e.getCause().getMessage());
      return 1;
    }
    try {
      Summary summary = publish(settings, files, pubsub, err);
      out.println(summary.line(settings, pubsub.rootUrl(), files.size()));
      return 0;
    } catch (PubsubException e) {
      String hint = e.status() == 404 && !settings.create() ? " (pass --create to create the topic)" : "";
      err.println("PublishExport: error: " + e.getMessage() + hint);
      return 1;
    } catch (UncheckedIOException e) {
      err.println("PublishExport: error: " + e.getCause());
      return 1;
    }
  }

  /** The emulator (no credentials) when a root URL is given or PUBSUB_EMULATOR_HOST is set; otherwise the service. */
  static PubsubRest connect(Settings settings, Map<String, String> env) {
    String rootUrl = rootUrl(settings, env);
    if (!rootUrl.equals(PubsubRest.SERVICE_ROOT_URL)) {
      return new PubsubRest(rootUrl, null);
    }
    GoogleCredentials credentials;
    try {
      credentials =
          GoogleCredentials.getApplicationDefault().createScoped("https://www.googleapis.com/auth/pubsub");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "no --pubsubRootUrl and no Google credentials for " + PubsubRest.SERVICE_ROOT_URL + " ("
              + e.getMessage().lines().findFirst().orElse("") + "): pass --pubsubRootUrl=http://localhost:PORT for "
              + "the emulator, or run 'gcloud auth application-default login'");
    }
    Supplier<String> token =
        () -> {
          try {
            credentials.refreshIfExpired();
            return credentials.getAccessToken().getTokenValue();
          } catch (IOException e) {
            throw new PubsubException(0, "cannot get an access token: " + e.getMessage(), e);
          }
        };
    return new PubsubRest(rootUrl, token);
  }

  static String rootUrl(Settings settings, Map<String, String> env) {
    if (settings.rootUrl() != null) {
      return settings.rootUrl();
    }
    String emulatorHost = env.get("PUBSUB_EMULATOR_HOST");
    if (emulatorHost != null && !emulatorHost.isBlank()) {
      return "http://" + emulatorHost.strip();
    }
    return PubsubRest.SERVICE_ROOT_URL;
  }

  // ---------------------------------------------------------------------------------------------- input files

  /**
   * The files of the inputs, each input's sorted by path: a directory gives every regular file below it (hidden
   * ones excepted), a glob ({@code * ? [ {}) the files it matches, anything else must be a file.
   */
  static List<Path> files(List<String> inputs) {
    List<Path> files = new ArrayList<>();
    for (String input : inputs) {
      List<Path> matched = filesOf(input);
      if (matched.isEmpty()) {
        throw new IllegalArgumentException("--input " + input + " matches no file");
      }
      files.addAll(matched);
    }
    return files;
  }

  private static List<Path> filesOf(String input) {
    int glob = firstGlobChar(input);
    Path base;
    PathMatcher matcher;
    if (glob < 0) {
      base = Path.of(input);
      if (Files.isRegularFile(base)) {
        return List.of(base);
      }
      if (!Files.isDirectory(base)) {
        throw new IllegalArgumentException("--input " + input + ": no such file or directory");
      }
      matcher = path -> true;
    } else {
      int slash = input.lastIndexOf('/', glob);
      base = slash < 0 ? Path.of(".") : Path.of(slash == 0 ? "/" : input.substring(0, slash));
      String pattern = slash < 0 ? "./" + input : input;
      PathMatcher glob1 = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      matcher = glob1::matches;
      if (!Files.isDirectory(base)) {
        return List.of();
      }
    }
    try (Stream<Path> walk = Files.walk(base)) {
      return walk.filter(Files::isRegularFile)
          .filter(path -> !base.relativize(path).toString().matches("(.*/)?\\..*"))
          .filter(matcher::matches)
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int firstGlobChar(String text) {
    for (int i = 0; i < text.length(); i++) {
      if ("*?[{".indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Receives each line's bytes without its {@code \n}. */
  interface LineSink {
    void accept(byte[] line);
  }

  /** Reads a file line by line ({@code \n}; bytes kept exactly, a final line without newline included). */
  static void readLines(Path file, LineSink sink) {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in =
            new BufferedInputStream(
                file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream(8192);
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            line.write(buffer, start, i - start);
            sink.accept(line.toByteArray());
            line.reset();
            start = i + 1;
          }
        }
        line.write(buffer, start, n - start);
      }
      if (line.size() > 0) {
        sink.accept(line.toByteArray());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(new IOException(file + ": " + e.getMessage(), e));
    }
  }

  /** Blank: empty or only whitespace (what the pipeline counts as an empty line and skips). */
  static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n' && b != 0x0B && b != '\f') {
        return false;
      }
    }
    return true;
  }

  /** Shuffles in place with {@code new Random(seed)}: the same seed gives the same order on every JVM. */
  static <T> void shuffle(List<T> lines, long seed) {
    Collections.shuffle(lines, new Random(seed));
  }

  // ---------------------------------------------------------------------------------------------- entries

  /** What a line says about itself: its valid RFC 3339 timestamp (or null) and its logName (or null). */
  record Entry(String timestamp, Long timeNanos, String logName) {
    static final Entry NONE = new Entry(null, null, null);
  }

  /**
   * The line's top-level {@code timestamp} when the line is one JSON object (valid UTF-8, nothing after it) whose
   * {@code timestamp} is a string holding a valid RFC 3339 time; null otherwise. A sink only ever publishes valid
   * times, and a malformed attribute would stop a Beam reader that takes event times from it.
   */
  static String timestampAttribute(byte[] line) {
    return scan(line).timestamp();
  }

  static Entry scan(byte[] line) {
    if (!validUtf8(line)) {
      return Entry.NONE;
    }
    try (JsonParser parser = JSON_FACTORY.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Entry.NONE;
      }
      String timestamp = null;
      String logName = null;
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.getCurrentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_STRING && name.equals("timestamp") && timestamp == null) {
          timestamp = parser.getText();
        } else if (value == JsonToken.VALUE_STRING && name.equals("logName") && logName == null) {
          logName = parser.getText();
        } else {
          parser.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
        return Entry.NONE;
      }
      Long nanos = Times.parseRfc3339(timestamp);
      return nanos == null ? Entry.NONE : new Entry(timestamp, nanos, logName);
    } catch (IOException | RuntimeException e) {
      return Entry.NONE;
    }
  }

  private static boolean validUtf8(byte[] line) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(line));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** The message a sink would publish for this line. */
  static Message message(byte[] line, String timestamp) {
    return new Message(line, timestamp == null ? Map.of() : Map.of(TIMESTAMP_ATTRIBUTE, timestamp));
  }

  /**
   * An ordinary Kubernetes audit entry (service k8s.io, so never a ClusterManager entry: the pipeline counts it
   * under "other services") timed 1 second after {@code latestNanos}, in {@code project}. Deterministic: the same
   * input gives the same bytes.
   */
  public static byte[] afterTheLastEntry(long latestNanos, String project) {
    long nanos = latestNanos + 1_000_000_000L;
    String timestamp =
        DateTimeFormatter.ISO_INSTANT.format(
            Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)));
    ObjectNode entry = JSON.createObjectNode();
    entry.put("insertId", "publish-export-after-last-" + nanos);
    entry.put("logName", "projects/" + project + "/logs/cloudaudit.googleapis.com%2Fdata_access");
    ObjectNode operation = entry.putObject("operation");
    operation.put("first", true).put("id", "publish-export-after-last-" + nanos).put("last", true).put(
        "producer", "k8s.io");
    ObjectNode payload = entry.putObject("protoPayload");
    payload.put("@type", "type.googleapis.com/google.cloud.audit.AuditLog");
    payload.putObject("authenticationInfo").put("principalEmail", "system:publish-export");
    payload.putArray("authorizationInfo").addObject()
        .put("granted", true)
        .put("permission", "io.k8s.core.v1.namespaces.get")
        .put("resource", "core/v1/namespaces/default");
    payload.put("methodName", "io.k8s.core.v1.namespaces.get");
    payload.putObject("requestMetadata").put("callerIp", "127.0.0.1").put("callerSuppliedUserAgent", "publish-export");
    payload.put("resourceName", "core/v1/namespaces/default");
    payload.put("serviceName", "k8s.io");
    payload.putObject("status");
    entry.put("receiveTimestamp", timestamp);
    ObjectNode resource = entry.putObject("resource");
    resource.putObject("labels").put("cluster_name", "publish-export").put("location", "global").put(
        "project_id", project);
    resource.put("type", "k8s_cluster");
    entry.put("severity", "INFO");
    entry.put("timestamp", timestamp);
    try {
      return JSON.writeValueAsBytes(entry);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The project of a {@code projects/P/logs/...} log name, or a stand-in. */
  static String projectOf(String logName) {
    if (logName != null) {
      java.util.regex.Matcher m = LOG_NAME_PROJECT.matcher(logName);
      if (m.matches()) {
        return m.group(1);
      }
    }
    return "gke-audit-replay";
  }

  // ---------------------------------------------------------------------------------------------- publishing

  /** Counts of one run. */
  static final class Summary {
    long published;
    long withTimestamp;
    long blankSkipped;
    long latestNanos = Long.MIN_VALUE;
    String latestLogName;
    String afterLast;
    long startNanos = System.nanoTime();
    long elapsedNanos;

    void saw(Entry entry) {
      if (entry.timeNanos() != null) {
        withTimestamp++;
        if (entry.timeNanos() > latestNanos) {
          latestNanos = entry.timeNanos();
          latestLogName = entry.logName();
        }
      }
    }

    double seconds() {
      return elapsedNanos / 1e9;
    }

    String line(Settings settings, String rootUrl, int files) {
      StringBuilder s = new StringBuilder();
      s.append(String.format(
          Locale.ROOT,
          "published %d messages from %d files to %s at %s in %.1f s (%.0f msg/s): %d with %s, %d without; "
              + "%d blank lines skipped; %s",
          published, files, settings.topic(), rootUrl, seconds(), published / Math.max(seconds(), 1e-3),
          withTimestamp, TIMESTAMP_ATTRIBUTE, published - withTimestamp, blankSkipped,
          settings.shuffleSeed() == null ? "file order" : "shuffled with seed " + settings.shuffleSeed()));
      if (afterLast != null) {
        s.append("; after-the-last entry at ").append(afterLast);
      }
      return s.toString();
    }
  }

  /** Batches messages into publish requests and reports progress. */
  private static final class Publisher {
    final PubsubRest pubsub;
    final String topic;
    final int batchSize;
    final Summary summary;
    final PrintStream err;
    final List<Message> batch = new ArrayList<>();
    long batchBytes;
    long lastReport = System.nanoTime();

    Publisher(PubsubRest pubsub, String topic, int batchSize, Summary summary, PrintStream err) {
      this.pubsub = pubsub;
      this.topic = topic;
      this.batchSize = batchSize;
      this.summary = summary;
      this.err = err;
    }

    void add(Message message) {
      if (!batch.isEmpty() && batchBytes + message.data().length > MAX_REQUEST_DATA_BYTES) {
        flush();
      }
      batch.add(message);
      batchBytes += message.data().length;
      if (batch.size() >= batchSize) {
        flush();
      }
    }

    void flush() {
      if (batch.isEmpty()) {
        return;
      }
      List<String> ids = pubsub.publish(topic, batch);
      if (ids.size() != batch.size()) {
        throw new PubsubException(
            0, "publish to " + topic + " returned " + ids.size() + " message ids for " + batch.size() + " messages",
            null);
      }
      summary.published += batch.size();
      batch.clear();
      batchBytes = 0;
      long now = System.nanoTime();
      if (now - lastReport >= 2_000_000_000L) {
        lastReport = now;
        double seconds = (now - summary.startNanos) / 1e9;
        err.printf(
            Locale.ROOT, "PublishExport: %d messages published (%.0f msg/s)%n", summary.published,
            summary.published / seconds);
      }
    }
  }

  /** Creates what --create asks for, then publishes every line (and the after-the-last entry). */
  static Summary publish(Settings settings, List<Path> files, PubsubRest pubsub, PrintStream err) {
    if (settings.create()) {
      boolean created = pubsub.createTopic(settings.topic());
      err.println("PublishExport: topic " + settings.topic() + (created ? " created" : " exists"));
      if (settings.subscription() != null) {
        created = pubsub.createSubscription(settings.subscription(), settings.topic());
        err.println("PublishExport: subscription " + settings.subscription() + (created ? " created" : " exists"));
      }
    }
    Summary summary = new Summary();
    Publisher publisher = new Publisher(pubsub, settings.topic(), settings.batch(), summary, err);
    LineSink publishLine =
        line -> {
          if (isBlank(line)) {
            summary.blankSkipped++;
            return;
          }
          Entry entry = scan(line);
          summary.saw(entry);
          publisher.add(message(line, entry.timestamp()));
        };
    if (settings.shuffleSeed() == null) {
      for (Path file : files) {
        readLines(file, publishLine);
      }
    } else {
      List<byte[]> lines = new ArrayList<>();
      for (Path file : files) {
        readLines(file, lines::add);
      }
      shuffle(lines, settings.shuffleSeed());
      lines.forEach(publishLine::accept);
    }
    publisher.flush();
    if (settings.appendAfterLast()) {
      if (summary.latestNanos == Long.MIN_VALUE) {
        err.println("PublishExport: warning: no line had a valid timestamp: no after-the-last entry published");
      } else {
        byte[] last = afterTheLastEntry(summary.latestNanos, projectOf(summary.latestLogName));
        Entry entry = scan(last);
        summary.afterLast = entry.timestamp();
        summary.saw(entry);
        publisher.add(message(last, entry.timestamp()));
        publisher.flush();
      }
    }
    summary.elapsedNanos = System.nanoTime() - summary.startNanos;
    return summary;
  }
}
