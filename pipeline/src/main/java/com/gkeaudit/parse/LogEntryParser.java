package com.gkeaudit.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gkeaudit.model.ClusterEvent;
import com.gkeaudit.model.DeadLetter;
import com.gkeaudit.model.Redactor;
import com.gkeaudit.model.Times;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one exported record (a line of a sink file, or a Pub/Sub message) into exactly one {@link ParseOutcome}.
 *
 * <p>Most of a real export is Kubernetes API traffic. The strict scan ({@link StrictJsonScan}) validates such a record
 * and reads its timestamp and {@code protoPayload.serviceName} in one pass without building anything; only records
 * of the GKE API (the service compared trimmed and case-insensitively), and records the scan cannot vouch for, are
 * read by Jackson, as a stream that builds just the members an event needs (memory per record stays bounded whatever
 * the record holds).
 *
 * <p>Never throws: anything unexpected becomes a dead-letter outcome, whose error text is redacted.
 */
public final class LogEntryParser {
  /** A member an event needs is built as a tree only up to this size (a real request is a few KB). */
  public static final int MAX_TREE_BYTES = 1024 * 1024;

  /** How much of a request beyond {@link #MAX_TREE_BYTES} the event keeps, redacted. */
  public static final int REQUEST_EXCERPT_BYTES = 16 * 1024;

  /** gRPC UNKNOWN: the status of a call whose logged code cannot be read as a code. */
  static final int UNKNOWN_CODE = 2;

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
      // The scan tells other services' entries apart cheaply by protoPayload.serviceName (escaped names decoded);
      // only candidates, and records the scan cannot vouch for, are read by Jackson.
      StrictJsonScan scan = StrictJsonScan.scan(buf, offset, length);
      if (scan != null && !ClusterManagerMethod.isService(scan.serviceName)) {
        return withTimestamp(scan.timestamp, scan.receiveTimestamp, ParseOutcome::otherService);
      }
      return parseCandidate(buf, offset, length, source);
    } catch (JsonProcessingException e) {
      // Jackson's message quotes the offending token, which may be an unquoted secret: excerpts are redacted.
      return ParseOutcome.deadLetter(jsonErrorReason(e), Redactor.jacksonMessage(firstLine(e.getOriginalMessage())));
    } catch (IOException | RuntimeException | StackOverflowError e) {
      return ParseOutcome.deadLetter(
          DeadLetter.NOT_JSON, e.getClass().getSimpleName() + ": " + Redactor.jacksonMessage(firstLine(e.getMessage())));
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

  /** Fails on trailing content after the top-level value, as a tree parse does. */
  private static void drain(JsonParser parser) throws IOException {
    while (parser.nextToken() != null) {
      parser.skipChildren();
    }
  }

  /**
   * Reads a record with Jackson's streaming parser into a pruned tree that holds only the members an event needs
   * (the rest is validated and skipped without building anything), then classifies it. Memory per record is bounded
   * whatever the record holds: a member an event needs that spans more than {@link #MAX_TREE_BYTES} is not built as
   * a tree (a 16 MB request of empty objects once took 1.9 GB); the request is then kept as a redacted excerpt.
   */
  private static ParseOutcome parseCandidate(byte[] buf, int offset, int length, String source) throws IOException {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    boolean requestTruncated = false;
    long requestBytes = 0;
    String requestExcerpt = null;
    try (JsonParser parser = FACTORY.createParser(buf, offset, length)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        drain(parser);
        return notObject(first);
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "timestamp", "receiveTimestamp", "insertId", "logName", "severity" -> {
            if (value.isScalarValue()) {
              root.set(name, scalar(parser));
            } else {
              root.remove(name);
              parser.skipChildren();
            }
          }
          case "resource", "operation" -> root.set(name, boundedTree(parser, buf, offset));
          case "protoPayload" -> {
            ObjectNode payload = JsonNodeFactory.instance.objectNode();
            root.set(name, payload);
            requestTruncated = false;
            requestExcerpt = null;
            if (value != JsonToken.START_OBJECT) {
              parser.skipChildren();
              root.set(name, JsonNodeFactory.instance.nullNode());
              continue;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              String member = canonicalPayloadMember(parser.currentName());
              JsonToken memberValue = parser.nextToken();
              if (member == null) {
                parser.skipChildren();
              } else if (memberValue.isScalarValue()) {
                payload.set(member, scalar(parser));
              } else if (member.equals("request")) {
                long start = offset + parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                long end = offset + parser.currentTokenLocation().getByteOffset() + 1;
                requestBytes = end - start;
                if (requestBytes <= MAX_TREE_BYTES) {
                  payload.set(member, MAPPER.readTree(buf, (int) start, (int) requestBytes));
                  requestTruncated = false;
                  requestExcerpt = null;
                } else {
                  payload.remove(member);
                  requestTruncated = true;
                  requestExcerpt = excerpt(buf, (int) start, (int) requestBytes);
                }
              } else if (member.equals("status")) {
                payload.set(member, statusTree(parser, buf, offset));
              } else {
                payload.set(member, boundedTree(parser, buf, offset));
              }
            }
          }
          default -> parser.skipChildren();
        }
      }
      drain(parser);
    }
    JsonNode payload = root.get("protoPayload");
    ClusterManagerMethod method =
        ClusterManagerMethod.isService(Json.text(payload, "serviceName"))
            ? ClusterManagerMethod.of(Json.text(payload, "methodName"))
            : null;
    boolean truncated = requestTruncated;
    String excerpt = requestExcerpt;
    return withTimestamp(
        textOrNull(root.get("timestamp")),
        textOrNull(root.get("receiveTimestamp")),
        timeNanos -> {
          if (method == null) {
            return ParseOutcome.otherService(timeNanos);
          }
          ClusterEvent event = toEvent(root, payload, method, timeNanos, source, buf, offset, length);
          return ParseOutcome.clusterManager(
              truncated ? event.withTruncatedRequest(excerpt) : event);
        });
  }

  /**
   * The members of {@code protoPayload} an event reads, by their camelCase name (snake_case accepted, as {@link Json}
   * does); null for the others, which are skipped.
   */
  private static String canonicalPayloadMember(String name) {
    return switch (name) {
      case "serviceName", "service_name" -> "serviceName";
      case "methodName", "method_name" -> "methodName";
      case "resourceName", "resource_name" -> "resourceName";
      case "authenticationInfo", "authentication_info" -> "authenticationInfo";
      case "requestMetadata", "request_metadata" -> "requestMetadata";
      case "status" -> "status";
      case "request" -> "request";
      default -> null;
    };
  }

  /**
   * The container at the parser's current token as a tree when it spans at most {@link #MAX_TREE_BYTES}; otherwise
   * it is skipped and read as absent (no real resource, operation, authentication or caller block comes near).
   */
  private static JsonNode boundedTree(JsonParser parser, byte[] buf, int offset) throws IOException {
    if (parser.currentToken().isScalarValue()) {
      return scalar(parser);
    }
    long start = offset + parser.currentTokenLocation().getByteOffset();
    parser.skipChildren();
    long end = offset + parser.currentTokenLocation().getByteOffset() + 1;
    return end - start <= MAX_TREE_BYTES
        ? MAPPER.readTree(buf, (int) start, (int) (end - start))
        : JsonNodeFactory.instance.nullNode();
  }

  /**
   * {@code status}: a small one is read whole; a huge one (its {@code details} can hold anything) is read member by
   * member keeping only {@code code} and {@code message}, so a failed call never turns into a success by its size.
   */
  private static JsonNode statusTree(JsonParser parser, byte[] buf, int offset) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      return boundedTree(parser, buf, offset);
    }
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if ((name.equals("code") || name.equals("message")) && value.isScalarValue()) {
        status.set(name, scalar(parser));
      } else {
        parser.skipChildren();
      }
    }
    return status;
  }

  /**
   * The scalar at the parser's current token as a tree node, as a tree parse would build it (the mapper's own
   * readValueAsTree would insist on the end of input after it).
   */
  private static JsonNode scalar(JsonParser parser) throws IOException {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    return switch (parser.currentToken()) {
      case VALUE_STRING -> nodes.textNode(parser.getText());
      case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
        case INT -> nodes.numberNode(parser.getIntValue());
        case LONG -> nodes.numberNode(parser.getLongValue());
        default -> nodes.numberNode(parser.getBigIntegerValue());
      };
      case VALUE_NUMBER_FLOAT -> nodes.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> nodes.booleanNode(true);
      case VALUE_FALSE -> nodes.booleanNode(false);
      default -> nodes.nullNode();
    };
  }

  /** The first {@link #REQUEST_EXCERPT_BYTES} of a request too large to keep, redacted, as text. */
  private static String excerpt(byte[] buf, int start, int length) {
    byte[] kept = Redactor.redact(buf, start, Math.min(length, REQUEST_EXCERPT_BYTES));
    return new String(kept, StandardCharsets.UTF_8);
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
      return ParseOutcome.deadLetter(DeadLetter.BAD_TIMESTAMP, Times.problem(chosen));
    }
    return outcome.at(nanos);
  }

  static ClusterEvent toEvent(
      JsonNode root, JsonNode payload, ClusterManagerMethod method, long timeNanos, String source, byte[] buf,
      int offset, int length) {
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
    String insertId = textOrNull(root.get("insertId"));
    if (insertId == null || insertId.isEmpty()) {
      insertId = rawInsertId(buf, offset, length);
    }
    return new ClusterEvent(
        insertId,
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
        false,
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

  /**
   * {@code status.code}: absent (or JSON null) is OK (0). A code that is not a whole number in int range (4294967303,
   * 1e400, 7.5, "DENIED") is {@link #UNKNOWN_CODE}: a failure of unknown kind rather than a success, because a
   * number that does not fit must have been non-zero. Integral values in another form (7.0, "7") count as that code.
   */
  static int statusCode(JsonNode status) {
    JsonNode code = Json.field(status, "code");
    if (code == null) {
      return 0;
    }
    if (code.isIntegralNumber()) {
      return code.canConvertToInt() ? code.intValue() : UNKNOWN_CODE;
    }
    if (code.isNumber()) {
      double value = code.doubleValue();
      return value == Math.rint(value) && value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE
          ? (int) value
          : UNKNOWN_CODE;
    }
    if (code.isTextual()) {
      try {
        return Integer.parseInt(code.textValue().trim());
      } catch (NumberFormatException e) {
        return UNKNOWN_CODE;
      }
    }
    return code.isBoolean() || code.isContainerNode() ? UNKNOWN_CODE : 0;
  }

  /**
   * The identity of an entry without an {@code insertId}: a hash of its raw bytes, so two different entries at one
   * timestamp stay two while a replay of the same line is still one (docs/rules.md duplicates).
   */
  static String rawInsertId(byte[] buf, int offset, int length) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(buf, offset, length);
      return "raw-sha256:" + HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
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
