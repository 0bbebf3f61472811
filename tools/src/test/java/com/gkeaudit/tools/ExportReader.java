package com.gkeaudit.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * An independent reader of a generated export for tests: splits every log file into lines, classifies each line the
 * way docs/output.md ("Nothing lost") does (empty, bad, duplicate, ClusterManager, other) and keeps the distinct parsed entries.
 */
final class ExportReader {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final Pattern CM_METHOD = Pattern.compile(
      "google\\.container\\.(v[0-9a-z]+\\.ClusterManager|internal\\.ClusterManagerInternal)\\.[A-Za-z]+");

  record Line(Path file, byte[] bytes, String text, JsonNode entry, String kind) {}

  final List<Path> files = new ArrayList<>();
  final List<Line> lines = new ArrayList<>();
  final List<JsonNode> clusterManager = new ArrayList<>();
  final List<JsonNode> others = new ArrayList<>();
  /** Keep every line (bytes, text, tree) in {@link #lines} and every non-ClusterManager entry in {@link #others}. */
  final boolean keepAll;
  long otherCount;
  long total;
  long empty;
  long bad;
  long duplicates;
  Instant maxEventTime;

  ExportReader(boolean keepAll) {
    this.keepAll = keepAll;
  }

  static ExportReader read(Path out) throws IOException {
    return read(out, true);
  }

  /** {@code keepAll} false: counts and ClusterManager entries only (bulk exports). */
  static ExportReader read(Path out, boolean keepAll) throws IOException {
    ExportReader r = new ExportReader(keepAll);
    Path root = out.resolve("cloudaudit.googleapis.com");
    try (Stream<Path> s = Files.walk(root)) {
      r.files.addAll(s.filter(Files::isRegularFile).sorted().collect(Collectors.toList()));
    }
    Set<String> seen = new HashSet<>();
    for (Path f : r.files) {
      byte[] data = readAll(f);
      if (data.length > 0 && data[data.length - 1] != '\n') {
        throw new AssertionError("file does not end with a newline: " + f);
      }
      int startOfLine = 0;
      for (int i = 0; i < data.length; i++) {
        if (data[i] == '\r') {
          throw new AssertionError("carriage return in " + f);
        }
        if (data[i] != '\n') {
          continue;
        }
        byte[] lineBytes = java.util.Arrays.copyOfRange(data, startOfLine, i);
        startOfLine = i + 1;
        r.total++;
        r.classify(f, lineBytes, seen);
      }
    }
    return r;
  }

  static byte[] readAll(Path f) throws IOException {
    if (f.toString().endsWith(".gz")) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        in.transferTo(bo);
        return bo.toByteArray();
      }
    }
    return Files.readAllBytes(f);
  }

  private void classify(Path f, byte[] b, Set<String> seen) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      bad++;
      keep(new Line(f, b, null, null, "bad"));
      return;
    }
    if (text.isBlank()) {
      empty++;
      keep(new Line(f, b, text, null, "empty"));
      return;
    }
    JsonNode e;
    try {
      e = MAPPER.readTree(text);
    } catch (IOException ex) {
      bad++;
      keep(new Line(f, b, text, null, "bad"));
      return;
    }
    Instant event = e != null && e.isObject() ? eventTime(e) : null;
    if (event == null) {
      bad++;
      keep(new Line(f, b, text, null, "bad"));
      return;
    }
    String key = e.path("logName").asText() + "|" + e.path("insertId").asText() + "|" + e.path("timestamp").asText();
    if (!seen.add(key)) {
      duplicates++;
      keep(new Line(f, b, text, e, "duplicate"));
      return;
    }
    if (maxEventTime == null || event.isAfter(maxEventTime)) {
      maxEventTime = event;
    }
    if (isClusterManager(e)) {
      clusterManager.add(e);
      keep(new Line(f, b, text, e, "cm"));
    } else {
      otherCount++;
      if (keepAll) {
        others.add(e);
      }
      keep(new Line(f, b, text, e, "other"));
    }
  }

  private void keep(Line l) {
    if (keepAll || l.kind().equals("cm")) {
      lines.add(l);
    }
  }

  static Instant eventTime(JsonNode e) {
    for (String field : new String[] {"timestamp", "receiveTimestamp"}) {
      JsonNode t = e.get(field);
      if (t != null && t.isTextual()) {
        try {
          return Instant.parse(t.asText());
        } catch (DateTimeParseException ex) {
          return null;
        }
      }
    }
    return null;
  }

  static boolean isClusterManager(JsonNode e) {
    JsonNode pp = e.path("protoPayload");
    return "container.googleapis.com".equals(pp.path("serviceName").asText(null))
        && CM_METHOD.matcher(pp.path("methodName").asText("")).matches();
  }
}
