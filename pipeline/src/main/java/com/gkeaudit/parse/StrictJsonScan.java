package com.gkeaudit.parse;

import java.nio.charset.StandardCharsets;

/**
 * A fast, conservative check that a record is a strict JSON object, which also picks out its top-level
 * {@code timestamp} and {@code receiveTimestamp} strings. It builds nothing and looks at each byte once, so it costs
 * a fraction of a tokenizing parse: it is the reason most records (other services' entries) are cheap.
 *
 * <p>Conservative means: it answers {@link #scan} true only for input that Jackson also accepts, with the same
 * timestamps; anything unusual (escapes in the interesting members, deep nesting, odd bytes, any error) answers false
 * and the caller lets Jackson decide, so verdicts and error messages stay Jackson's. A property test holds it to that.
 */
final class StrictJsonScan {
  private static final int MAX_DEPTH = 256;
  private static final byte[] TIMESTAMP = "timestamp".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RECEIVE_TIMESTAMP = "receiveTimestamp".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PROTO_PAYLOAD = "protoPayload".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SERVICE_NAME = "serviceName".getBytes(StandardCharsets.US_ASCII);

  private static final byte PLAIN = 0;
  private static final byte QUOTE = 1;
  private static final byte BACKSLASH = 2;
  private static final byte CONTROL = 3;
  private static final byte NON_ASCII = 4;
  /** What each byte means inside a string: one table lookup per byte on the hot path. */
  private static final byte[] STRING_BYTE = new byte[256];
  private static final boolean[] SIMPLE_ESCAPE = new boolean[256];

  static {
    for (int b = 0; b < 256; b++) {
      STRING_BYTE[b] = b < 0x20 ? CONTROL : b >= 0x80 ? NON_ASCII : PLAIN;
    }
    STRING_BYTE['"'] = QUOTE;
    STRING_BYTE['\\'] = BACKSLASH;
    for (char c : "\"\\/bfnrt".toCharArray()) {
      SIMPLE_ESCAPE[c] = true;
    }
  }

  private final byte[] buf;
  private final int end;
  private int pos;
  /** Top-level timestamp values seen (last wins, as in a streaming parse); null when absent. */
  String timestamp;

  String receiveTimestamp;

  /** {@code protoPayload.serviceName} when it is a plain string (last wins); null otherwise. */
  String serviceName;

  private StrictJsonScan(byte[] buf, int offset, int length) {
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  /** The scan of a record, or null when the fast path cannot vouch for it. */
  static StrictJsonScan scan(byte[] buf, int offset, int length) {
    StrictJsonScan scan = new StrictJsonScan(buf, offset, length);
    return scan.topLevelObject() ? scan : null;
  }

  /** Which members of an object are read rather than only validated. */
  private enum Members {
    /** The LogEntry itself: timestamps, and protoPayload's service. */
    LOG_ENTRY,
    /** protoPayload: its serviceName. */
    PAYLOAD,
    NONE
  }

  private boolean topLevelObject() {
    skipWhitespace();
    if (pos >= end || buf[pos] != '{' || !object(0, Members.LOG_ENTRY)) {
      return false;
    }
    skipWhitespace();
    return pos == end;
  }

  private boolean value(int depth) {
    if (pos >= end || depth > MAX_DEPTH) {
      return false;
    }
    switch (buf[pos]) {
      case '"':
        return string();
      case '{':
        return object(depth, Members.NONE);
      case '[':
        return array(depth);
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  /** An object at pos (on its opening brace); leaves pos after the closing brace. */
  private boolean object(int depth, Members members) {
    pos++;
    skipWhitespace();
    if (pos < end && buf[pos] == '}') {
      pos++;
      return true;
    }
    while (true) {
      if (pos >= end || buf[pos] != '"') {
        return false;
      }
      int nameStart = pos + 1;
      if (!string()) {
        return false;
      }
      int nameEnd = pos - 1;
      skipWhitespace();
      if (pos >= end || buf[pos] != ':') {
        return false;
      }
      pos++;
      skipWhitespace();
      if (!member(members, nameStart, nameEnd, depth)) {
        return false;
      }
      skipWhitespace();
      if (pos >= end) {
        return false;
      }
      byte c = buf[pos++];
      if (c == '}') {
        return true;
      }
      if (c != ',') {
        return false;
      }
      skipWhitespace();
    }
  }

  /** The value of the member named by bytes [nameStart, nameEnd), read when it is one the scan reports. */
  private boolean member(Members members, int nameStart, int nameEnd, int depth) {
    if (members == Members.LOG_ENTRY) {
      if (nameIs(nameStart, nameEnd, TIMESTAMP)) {
        timestamp = plainString();
        return timestamp != null;
      }
      if (nameIs(nameStart, nameEnd, RECEIVE_TIMESTAMP)) {
        receiveTimestamp = plainString();
        return receiveTimestamp != null;
      }
      if (nameIs(nameStart, nameEnd, PROTO_PAYLOAD)) {
        // A repeated member replaces the earlier one in a tree parse: only the last protoPayload counts.
        serviceName = null;
        return pos < end && buf[pos] == '{' ? object(depth + 1, Members.PAYLOAD) : value(depth + 1);
      }
    } else if (members == Members.PAYLOAD && nameIs(nameStart, nameEnd, SERVICE_NAME)) {
      if (pos < end && buf[pos] == '"') {
        serviceName = plainString();
        return serviceName != null;
      }
    }
    return value(depth + 1);
  }

  private boolean array(int depth) {
    pos++;
    skipWhitespace();
    if (pos < end && buf[pos] == ']') {
      pos++;
      return true;
    }
    while (true) {
      if (!value(depth + 1)) {
        return false;
      }
      skipWhitespace();
      if (pos >= end) {
        return false;
      }
      byte c = buf[pos++];
      if (c == ']') {
        return true;
      }
      if (c != ',') {
        return false;
      }
      skipWhitespace();
    }
  }

  /** A string at pos (on its opening quote); leaves pos after the closing quote. */
  private boolean string() {
    pos++;
    while (pos < end) {
      switch (STRING_BYTE[buf[pos] & 0xFF]) {
        case PLAIN -> pos++;
        case QUOTE -> {
          pos++;
          return true;
        }
        case BACKSLASH -> {
          if (pos + 1 < end && SIMPLE_ESCAPE[buf[pos + 1] & 0xFF]) {
            pos += 2;
          } else if (!unicodeEscape()) {
            return false;
          }
        }
        case NON_ASCII -> {
          if (!utf8Sequence()) {
            return false;
          }
        }
        default -> {
          return false; // an unescaped control character
        }
      }
    }
    return false;
  }

  /** A string without escapes or non-ASCII bytes, as text; null otherwise (the careful path handles those). */
  private String plainString() {
    if (pos >= end || buf[pos] != '"') {
      return null;
    }
    int start = ++pos;
    while (pos < end) {
      byte c = buf[pos];
      if (c == '"') {
        String text = new String(buf, start, pos - start, StandardCharsets.ISO_8859_1);
        pos++;
        return text;
      }
      if (c < 0x20 || c == '\\') {
        return null;
      }
      pos++;
    }
    return null;
  }

  /** {@code \\uXXXX} at pos. */
  private boolean unicodeEscape() {
    if (pos + 6 > end || buf[pos + 1] != 'u') {
      return false;
    }
    for (int i = pos + 2; i < pos + 6; i++) {
      if (Character.digit(buf[i], 16) < 0) {
        return false;
      }
    }
    pos += 6;
    return true;
  }

  /** A well-formed multi-byte UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF). */
  private boolean utf8Sequence() {
    int b0 = buf[pos] & 0xFF;
    int length;
    int min;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      length = 2;
      min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      length = 3;
      min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      length = 4;
      min = 0x10000;
    } else {
      return false;
    }
    if (pos + length > end) {
      return false;
    }
    int code = b0 & (0xFF >> (length + 1));
    for (int i = 1; i < length; i++) {
      int b = buf[pos + i] & 0xFF;
      if ((b & 0xC0) != 0x80) {
        return false;
      }
      code = (code << 6) | (b & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    pos += length;
    return true;
  }

  private boolean literal(String word) {
    int length = word.length();
    if (pos + length > end) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (buf[pos + i] != word.charAt(i)) {
        return false;
      }
    }
    pos += length;
    return true;
  }

  /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
  private boolean number() {
    if (pos < end && buf[pos] == '-') {
      pos++;
    }
    if (pos >= end) {
      return false;
    }
    if (buf[pos] == '0') {
      pos++;
    } else if (isDigit(buf[pos])) {
      while (pos < end && isDigit(buf[pos])) {
        pos++;
      }
    } else {
      return false;
    }
    if (pos < end && buf[pos] == '.') {
      pos++;
      if (!digits()) {
        return false;
      }
    }
    if (pos < end && (buf[pos] == 'e' || buf[pos] == 'E')) {
      pos++;
      if (pos < end && (buf[pos] == '+' || buf[pos] == '-')) {
        pos++;
      }
      if (!digits()) {
        return false;
      }
    }
    // A number must end at a delimiter; "12abc" is not a number.
    return pos >= end || isDelimiter(buf[pos]);
  }

  private boolean digits() {
    int start = pos;
    while (pos < end && isDigit(buf[pos])) {
      pos++;
    }
    return pos > start;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isDelimiter(byte c) {
    return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private void skipWhitespace() {
    while (pos < end) {
      byte c = buf[pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  /**
   * Whether the name at bytes [from, to) is {@code word}. Names are compared as Jackson reads them: an escaped name
   * such as {@code "service\u004eame"} is {@code serviceName} (it once made a ClusterManager entry look like another
   * service's). Escapes in names are rare, so only a name with a backslash is decoded.
   */
  private boolean nameIs(int from, int to, byte[] word) {
    for (int i = from; i < to; i++) {
      if (buf[i] == '\\') {
        return decodedName(from, to).equals(new String(word, StandardCharsets.US_ASCII));
      }
    }
    return equalsAscii(from, to, word);
  }

  /** A name's text with its escapes decoded (already validated by {@link #string}); other bytes as Latin-1. */
  private String decodedName(int from, int to) {
    StringBuilder name = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = (char) (buf[i] & 0xFF);
      if (c != '\\') {
        name.append(c);
        continue;
      }
      char e = (char) (buf[++i] & 0xFF);
      if (e == 'u') {
        name.append((char) Integer.parseInt(new String(buf, i + 1, 4, StandardCharsets.ISO_8859_1), 16));
        i += 4;
      } else {
        name.append(
            switch (e) {
              case 'b' -> '\b';
              case 'f' -> '\f';
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              default -> e;
            });
      }
    }
    return name.toString();
  }

  private boolean equalsAscii(int from, int to, byte[] word) {
    if (to - from != word.length) {
      return false;
    }
    for (int i = 0; i < word.length; i++) {
      if (buf[from + i] != word[i]) {
        return false;
      }
    }
    return true;
  }
}
