package com.gkeaudit.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Times;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one exported record (a line of a sink file, or a Pub/Sub message) into exactly one {@link ParseOutcome}.
 *
 * <p>Most of a real export is Kubernetes API traffic. A record that does not even contain the bytes
 * {@code container.googleapis.com} cannot be a ClusterManager entry, so it is only validated and its timestamp read
 * with Jackson's streaming parser, without building a tree. Records that do contain them are parsed fully and
 * re-checked, because the bytes also occur in node annotations and user agents.
 *
 * <p>Never throws: anything unexpected becomes a dead-letter outcome.
 */
public final class LogEntryParser {
  private static final String SERVICE_MARKER = ClusterManagerMethod.SERVICE;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          // docs/output.md: valid records up to the hard cap parse whatever their size.
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
          .build();
  private static final ObjectMapper MAPPER =
      new ObjectMapper(FACTORY).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private LogEntryParser() {}

  public static ParseOutcome parse(byte[] record, String source) {
    return parse(record, 0, record.length, source);
  }

  public static ParseOutcome parse(byte[] buf, int offset, int length, String source) {
    if (isBlank(buf, offset, length)) {
      return ParseOutcome.EMPTY_LINE;
    }
    try {
      String latin1 = new String(buf, offset, length, StandardCharsets.ISO_8859_1);
      if (!latin1.contains(SERVICE_MARKER)) {
        return validateOther(buf, offset, length);
      }
      // The bytes also occur in other services' entries (node annotations, user agents): the scan tells those
      // apart cheaply by protoPayload.serviceName, and only real candidates get a full tree parse.
      StrictJsonScan scan = StrictJsonScan.scan(buf, offset, length);
      if (scan != null && !SERVICE_MARKER.equals(scan.serviceName)) {
        return withTimestamp(scan.timestamp, scan.receiveTimestamp, ParseOutcome::otherService);
      }
      return parseCandidate(buf, offset, length, source);
    } catch (JsonProcessingException e) {
      return ParseOutcome.deadLetter(jsonErrorReason(e), firstLine(e.getOriginalMessage()));
    } catch (IOException | RuntimeException | StackOverflowError e) {
      return ParseOutcome.deadLetter(DeadLetter.NOT_JSON, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * The event time {@link #parse} gives a record (its top-level {@code timestamp}, else its {@code receiveTimestamp}),
   * read on its own so a stream source can stamp and order the record before it is parsed. The strict scan reads it
   * in one cheap pass; a record the scan declines (not strict JSON) is walked token by token, keeping a time read
   * before a syntax error, since such a record only needs some time to flow to its dead letter. Null when there is
   * none, or it is not RFC 3339.
   */
  public static Long eventTimeNanos(byte[] record) {
    StrictJsonScan scan = StrictJsonScan.scan(record, 0, record.length);
    if (scan != null) {
      String chosen = scan.timestamp != null ? scan.timestamp : scan.receiveTimestamp;
      return chosen == null ? null : Times.parseRfc3339(chosen);
    }
    Long received = null;
    try (JsonParser parser = FACTORY.createParser(record)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_STRING && name.equals("timestamp")) {
          return Times.parseRfc3339(parser.getText());
        }
        if (value == JsonToken.VALUE_STRING && name.equals("receiveTimestamp")) {
          received = Times.parseRfc3339(parser.getText());
        }
        parser.skipChildren();
      }
      return received;
    } catch (IOException | RuntimeException e) {
      return received;
    }
  }

  /**
   * Validates a record that cannot be a ClusterManager entry and reads its timestamp: by the fast strict scan when it
   * can vouch for the record, otherwise token by token with Jackson, whose verdict and message then stand.
   */
  private static ParseOutcome validateOther(byte[] buf, int offset, int length) throws IOException {
    StrictJsonScan scan = StrictJsonScan.scan(buf, offset, length);
    if (scan != null) {
      return withTimestamp(scan.timestamp, scan.receiveTimestamp, ParseOutcome::otherService);
    }
    try (JsonParser parser = FACTORY.createParser(buf, offset, length)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        drain(parser);
        return notObject(first);
      }
      String timestamp = null;
      String receiveTimestamp = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_STRING && name.equals("timestamp")) {
          timestamp = parser.getText();
        } else if (value == JsonToken.VALUE_STRING && name.equals("receiveTimestamp")) {
          receiveTimestamp = parser.getText();
        } else {
          parser.skipChildren();
        }
      }
      drain(parser);
      return withTimestamp(timestamp, receiveTimestamp, ParseOutcome::otherService);
    }
  }

  /** Fails on trailing content after the top-level value, as a tree parse does. */
  private static void drain(JsonParser parser) throws IOException {
    while (parser.nextToken() != null) {
      parser.skipChildren();
    }
  }

  private static ParseOutcome parseCandidate(byte[] buf, int offset, int length, String source) throws IOException {
    JsonNode root = MAPPER.readTree(buf, offset, length);
    if (root == null || !root.isObject()) {
      return notObject(root == null ? null : root.isArray() ? JsonToken.START_ARRAY : JsonToken.VALUE_STRING);
    }
    JsonNode payload = root.get("protoPayload");
    ClusterManagerMethod method =
        SERVICE_MARKER.equals(Json.text(payload, "serviceName"))
            ? ClusterManagerMethod.of(Json.text(payload, "methodName"))
            : null;
    return withTimestamp(
        textOrNull(root.get("timestamp")),
        textOrNull(root.get("receiveTimestamp")),
        timeNanos ->
            method == null
                ? ParseOutcome.otherService(timeNanos)
                : ParseOutcome.clusterManager(toEvent(root, payload, method, timeNanos, source)));
  }

  private interface OutcomeAt {
    ParseOutcome at(long timeNanos);
  }

  /** docs/output.md: a LogEntry has an RFC 3339 {@code timestamp}, or when that is absent a {@code receiveTimestamp}. */
  private static ParseOutcome withTimestamp(String timestamp, String receiveTimestamp, OutcomeAt outcome) {
    String chosen = timestamp != null ? timestamp : receiveTimestamp;
    if (chosen == null) {
      return ParseOutcome.deadLetter(DeadLetter.NO_TIMESTAMP, "no timestamp or receiveTimestamp: not a LogEntry");
    }
    Long nanos = Times.parseRfc3339(chosen);
    if (nanos == null) {
      return ParseOutcome.deadLetter(DeadLetter.BAD_TIMESTAMP, "not an RFC 3339 timestamp: " + abbreviate(chosen));
    }
    return outcome.at(nanos);
  }

  static ClusterEvent toEvent(
      JsonNode root, JsonNode payload, ClusterManagerMethod method, long timeNanos, String source) {
    JsonNode labels = Json.path(root, "resource", "labels");
    JsonNode auth = Json.field(payload, "authenticationInfo");
    String principal = Json.text(auth, "principalEmail");
    if (principal == null || principal.isEmpty()) {
      principal = Json.text(auth, "principalSubject");
    }
    JsonNode operation = root.get("operation");
    JsonNode status = Json.field(payload, "status");
    JsonNode request = Json.field(payload, "request");
    String logName = textOrNull(root.get("logName"));
    return new ClusterEvent(
        textOrNull(root.get("insertId")),
        logName,
        logType(logName),
        timeNanos,
        Times.parseRfc3339(textOrNull(root.get("receiveTimestamp"))),
        textOrNull(root.get("severity")),
        Json.text(payload, "methodName"),
        method.method(),
        method.apiVersion(),
        Json.text(root, "resource", "type"),
        Json.text(payload, "resourceName"),
        Json.text(labels, "projectId"),
        Json.text(labels, "location"),
        Json.text(labels, "clusterName"),
        Json.text(labels, "nodepoolName"),
        emptyToNull(principal),
        delegationChain(auth),
        Initiators.classify(method, principal),
        Json.text(payload, "requestMetadata", "callerIp"),
        Json.text(payload, "requestMetadata", "callerSuppliedUserAgent"),
        Json.text(operation, "id"),
        Json.text(operation, "producer"),
        Json.isTrue(operation, "first"),
        Json.isTrue(operation, "last"),
        statusCode(status),
        Json.text(status, "message"),
        request == null ? null : SecretScrubber.scrub(request).toString(),
        requestedMasterVersion(method.method(), request),
        rotateCredentials(method.method(), request),
        PostureControls.weakened(method.method(), request),
        source,
        null);
  }

  private static List<String> delegationChain(JsonNode auth) {
    JsonNode chain = Json.field(auth, "serviceAccountDelegationInfo");
    List<String> out = new ArrayList<>();
    if (chain != null && chain.isArray()) {
      for (JsonNode link : chain) {
        String subject = Json.text(link, "principalSubject");
        if (subject == null) {
          subject = Json.text(link, "firstPartyPrincipal", "principalEmail");
        }
        if (subject != null) {
          out.add(subject);
        }
      }
    }
    return out;
  }

  private static int statusCode(JsonNode status) {
    JsonNode code = Json.field(status, "code");
    return code != null && code.canConvertToInt() ? code.asInt() : 0;
  }

  private static String requestedMasterVersion(String method, JsonNode request) {
    return switch (method) {
      case "UpdateMaster" -> Json.text(request, "masterVersion");
      case "UpdateCluster" -> Json.text(request, "update", "desiredMasterVersion");
      default -> null;
    };
  }

  private static Boolean rotateCredentials(String method, JsonNode request) {
    return method.equals("StartIPRotation") ? Json.isTrue(request, "rotateCredentials") : null;
  }

  static String logType(String logName) {
    if (logName == null) {
      return null;
    }
    int slash = logName.lastIndexOf("/logs/");
    String id = slash < 0 ? logName : logName.substring(slash + 6).replace("%2F", "/").replace("%2f", "/");
    int sep = id.lastIndexOf('/');
    return sep < 0 ? id : id.substring(sep + 1);
  }

  private static ParseOutcome notObject(JsonToken first) {
    String what =
        first == null
            ? "nothing"
            : switch (first) {
              case START_ARRAY -> "an array";
              case VALUE_STRING -> "a string";
              case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
              case VALUE_TRUE, VALUE_FALSE -> "a boolean";
              case VALUE_NULL -> "null";
              default -> first.toString();
            };
    return ParseOutcome.deadLetter(DeadLetter.NOT_OBJECT, "JSON value is " + what + ", not an object");
  }

  private static String jsonErrorReason(JsonProcessingException e) {
    String message = String.valueOf(e.getOriginalMessage());
    return message.contains("UTF-8") || message.contains("UTF8") ? DeadLetter.INVALID_UTF8 : DeadLetter.NOT_JSON;
  }

  private static boolean isBlank(byte[] buf, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = buf[i];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n' && b != '\f') {
        return false;
      }
    }
    return true;
  }

  private static String textOrNull(JsonNode node) {
    return node != null && node.isValueNode() && !node.isNull() ? node.asText() : null;
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "malformed JSON";
    }
    int newline = message.indexOf('\n');
    return abbreviate(newline < 0 ? message : message.substring(0, newline));
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
