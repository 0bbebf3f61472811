package com.gkeaudit.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * The one redaction of the project (docs/rules.md: secrets never reach events, findings, dead letters or logs), driven by
 * one list of secret names. Two forms share that list:
 *
 * <ul>
 *   <li>{@link SecretScrubber} for a parsed request (a Jackson tree), used by events;
 *   <li>{@link #redact(byte[], int, int)} and {@link #redact(String)} for text that may not even be JSON: a dead
 *       letter's raw record and error text, a truncated request's excerpt, log messages.
 * </ul>
 *
 * <p>The text form is a single forward pass over bytes with no regular expression and no recursion, so its cost is
 * linear in the input whatever it holds (a backtracking pattern over a long secret value overflowed the stack). A
 * member name is a quoted string (with {@code \\uXXXX} and other escapes decoded, so {@code "pass\u0077ord"} is
 * recognised) or a bare word, followed by {@code :} (or {@code =}, as in {@code password=...} in an error message).
 * The value of a secret member becomes {@code [REDACTED]} whatever its shape: a quoted string up to its closing quote
 * (or the end of the text, when it was cut), an unquoted token up to the next delimiter, or a whole object or array up
 * to its matching bracket. Null and empty-string values are kept, as in {@link SecretScrubber}: they hold no secret and
 * show that a credential was cleared. Bytes outside secret values are copied unchanged (invalid UTF-8 included).
 *
 * <p>JSON held in a string ({@code "body":"{\"password\":\"...\"}"}, a payload logged as text) is redacted as
 * JSON: a string with escaped quotes in it is unescaped, scanned the same way, and escaped again where something was
 * redacted, down to {@link #MAX_NESTING} levels; each level is one more linear pass over at most the input. Prose in
 * a string ({@code "a password: x"}) is kept.
 */
public final class Redactor {
  public static final String REDACTED = "[REDACTED]";
  private static final byte[] REDACTED_BYTES = REDACTED.getBytes(StandardCharsets.US_ASCII);

  /**
   * Secret member names, compared case-insensitively with {@code _} and {@code -} removed ({@code client_key},
   * {@code Client-Key} and {@code clientKey} are one name). Whole names only: {@code keyName},
   * {@code clientCertificateConfig} or {@code clusterCaCertificate} hold configuration or public data.
   */
  static final Set<String> SECRET_NAMES =
      Set.of(
          "password", "clientkey", "clientcertificate", "privatekey", "privatekeydata", "secret", "clientsecret",
          "token", "accesstoken", "refreshtoken", "idtoken", "apikey", "key");

  /** Names longer than this are not secret names; a longer quoted string is not decoded. */
  private static final int MAX_NAME_BYTES = 128;

  /** How many levels of JSON held in strings (in strings...) are looked into. */
  public static final int MAX_NESTING = 4;

  private Redactor() {}

  /** Whether a member of this name holds a secret. */
  public static boolean isSecretName(String name) {
    if (name == null || name.length() > MAX_NAME_BYTES) {
      return false;
    }
    StringBuilder folded = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '_' && c != '-') {
        folded.append(c);
      }
    }
    return SECRET_NAMES.contains(folded.toString().toLowerCase(Locale.ROOT));
  }

  /** Text with secret values replaced; null gives null. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = redact(bytes, 0, bytes.length);
    return out == bytes ? text : new String(out, StandardCharsets.UTF_8);
  }

  /** The bytes with secret values replaced; a copy (or the same array when nothing was redacted and it is whole). */
  public static byte[] redact(byte[] raw, int offset, int length) {
    Scan scan = new Scan(raw, offset, offset + length, 0);
    scan.run();
    if (!scan.changed) {
      return offset == 0 && length == raw.length ? raw : Arrays.copyOfRange(raw, offset, offset + length);
    }
    return Arrays.copyOf(scan.out, scan.outLength);
  }

  /**
   * A Jackson error message without the excerpts it quotes from the record ({@code Unrecognized token 'hunter2'}):
   * the token may be an unquoted secret, and the name that would say so is not in the message. Jackson's own
   * keywords ({@code 'null'}, {@code 'true'}, ...) and single characters stay, so the message still says what went
   * wrong; the rest is then redacted as any text is.
   */
  public static String jacksonMessage(String message) {
    if (message == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(message.length());
    int i = 0;
    while (i < message.length()) {
      char c = message.charAt(i);
      int close = c == '\'' ? message.indexOf('\'', i + 1) : -1;
      if (close < 0) {
        out.append(c);
        i++;
        continue;
      }
      String quoted = message.substring(i + 1, close);
      if (quoted.length() <= 1 || KEYWORDS.contains(quoted)) {
        out.append('\'').append(quoted).append('\'');
      } else {
        out.append('\'').append(REDACTED).append('\'');
      }
      i = close + 1;
    }
    return redact(out.toString());
  }

  private static final Set<String> KEYWORDS = Set.of("null", "true", "false", "NaN", "Infinity", "-Infinity", "+INF");

  /** One pass over {@code [pos, end)}; output is only materialised once something is redacted. */
  private static final class Scan {
    private final byte[] in;
    private final int start;
    private final int end;
    private final int nesting;
    private int pos;
    /** Input bytes {@code [start, copiedUpTo)} are accounted for in {@code out} (when {@code changed}). */
    private int copiedUpTo;

    private byte[] out;
    private int outLength;
    boolean changed;

    Scan(byte[] in, int start, int end, int nesting) {
      this.in = in;
      this.start = start;
      this.end = end;
      this.nesting = nesting;
      this.pos = start;
      this.copiedUpTo = start;
    }

    void run() {
      while (pos < end) {
        byte c = in[pos];
        if (c == '"' || c == '\'') {
          int nameStart = pos + 1;
          int close = closingQuote(pos);
          if (close >= end && c == '\'') {
            pos++; // an apostrophe in prose, not a quote: the text after it is still scanned
            continue;
          }
          pos = close < end ? close + 1 : end;
          if (close < end && close - nameStart <= MAX_NAME_BYTES && isSecretName(decode(nameStart, close))) {
            afterName();
          } else if (c == '"') {
            redactJsonInString(nameStart, Math.min(close, end));
          }
        } else if (isWordByte(c) && (pos == start || !isWordByte(in[pos - 1]))) {
          int wordStart = pos;
          while (pos < end && isWordByte(in[pos])) {
            pos++;
          }
          if (pos - wordStart <= MAX_NAME_BYTES
              && isSecretName(new String(in, wordStart, pos - wordStart, StandardCharsets.ISO_8859_1))) {
            afterName();
          }
        } else {
          pos++;
        }
      }
      flush(end);
    }

    /**
     * The content {@code [from, to)} of a string that holds escaped quotes may be JSON itself: unescaped, scanned one
     * level deeper, and put back escaped when something in it was redacted.
     */
    private void redactJsonInString(int from, int to) {
      if (nesting >= MAX_NESTING || !hasEscapedQuote(from, to)) {
        return;
      }
      byte[] inner = unescape(from, to);
      Scan nested = new Scan(inner, 0, inner.length, nesting + 1);
      nested.run();
      if (!nested.changed) {
        return;
      }
      flush(from);
      append(escape(nested.out, nested.outLength));
      copiedUpTo = to;
    }

    private boolean hasEscapedQuote(int from, int to) {
      for (int p = from; p + 1 < to; p++) {
        if (in[p] == '\\') {
          if (in[p + 1] == '"') {
            return true;
          }
          p++;
        }
      }
      return false;
    }

    /** JSON string content as the bytes it stands for (UTF-8); an escape that is not valid is kept as written. */
    private byte[] unescape(int from, int to) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(to - from);
      for (int p = from; p < to; p++) {
        byte c = in[p];
        if (c != '\\' || p + 1 >= to) {
          out.write(c);
          continue;
        }
        byte e = in[p + 1];
        int code = e == 'u' && p + 6 <= to ? hex(p + 2, p + 6) : -1;
        if (code >= 0) {
          byte[] utf8 = String.valueOf((char) code).getBytes(StandardCharsets.UTF_8);
          out.write(utf8, 0, utf8.length);
          p += 5;
          continue;
        }
        int plain = switch (e) {
          case '"', '\\', '/' -> e;
          case 'n' -> '\n';
          case 't' -> '\t';
          case 'r' -> '\r';
          case 'b' -> '\b';
          case 'f' -> '\f';
          default -> -1;
        };
        if (plain < 0) {
          out.write(c);
          continue;
        }
        out.write(plain);
        p++;
      }
      return out.toByteArray();
    }

    /** Bytes as the content of a JSON string: quotes, backslashes and control characters escaped. */
    private static byte[] escape(byte[] bytes, int length) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(length + 16);
      for (int i = 0; i < length; i++) {
        int b = bytes[i] & 0xFF;
        if (b == '"' || b == '\\') {
          out.write('\\');
          out.write(b);
        } else if (b < 0x20) {
          byte[] code = String.format(Locale.ROOT, "\\u%04x", b).getBytes(StandardCharsets.US_ASCII);
          out.write(code, 0, code.length);
        } else {
          out.write(b);
        }
      }
      return out.toByteArray();
    }

    /** After a secret name: when a separator follows, the value after it is redacted. */
    private void afterName() {
      int p = skipSpace(pos);
      if (p >= end || (in[p] != ':' && in[p] != '=')) {
        return;
      }
      p = skipSpace(p + 1);
      if (p >= end) {
        pos = p;
        return;
      }
      byte v = in[p];
      if (v == '"' || v == '\'') {
        int close = closingQuote(p);
        if (close == p + 1) {
          pos = close + 1; // an empty string: nothing to hide
          return;
        }
        flush(p + 1);
        append(REDACTED_BYTES);
        // The closing quote, when there is one, is copied as is, and scanning goes on after it: were it scanned
        // again it would open a string, and the next member's name would be read as that string's content.
        copiedUpTo = close < end ? close : end;
        pos = close < end ? close + 1 : end;
        return;
      }
      if (v == '{' || v == '[') {
        int after = matchingBracket(p);
        flush(p);
        append((byte) '"');
        append(REDACTED_BYTES);
        append((byte) '"');
        pos = after;
        copiedUpTo = after;
        return;
      }
      if (startsWith(p, "null")) {
        pos = p + 4;
        return;
      }
      int tokenEnd = p;
      while (tokenEnd < end && !isValueDelimiter(in[tokenEnd])) {
        tokenEnd++;
      }
      if (tokenEnd == p) {
        pos = p;
        return;
      }
      flush(p);
      append(REDACTED_BYTES);
      pos = tokenEnd;
      copiedUpTo = tokenEnd;
    }

    /** Index of the quote closing the string opened at {@code open}, or {@code end} when it is not closed. */
    private int closingQuote(int open) {
      byte quote = in[open];
      int p = open + 1;
      while (p < end) {
        byte c = in[p];
        if (c == '\\') {
          p += 2;
        } else if (c == quote) {
          return p;
        } else {
          p++;
        }
      }
      return end;
    }

    /** Index after the bracket closing the one at {@code open} (strings skipped), or {@code end}. */
    private int matchingBracket(int open) {
      int depth = 0;
      int p = open;
      while (p < end) {
        byte c = in[p];
        if (c == '"') {
          p = closingQuote(p) + 1;
          continue;
        }
        if (c == '{' || c == '[') {
          depth++;
        } else if ((c == '}' || c == ']') && --depth == 0) {
          return p + 1;
        }
        p++;
      }
      return end;
    }

    /** A quoted name's text with JSON escapes decoded; bytes as Latin-1 (names that matter are ASCII). */
    private String decode(int from, int to) {
      StringBuilder name = new StringBuilder(to - from);
      for (int p = from; p < to; p++) {
        char c = (char) (in[p] & 0xFF);
        if (c != '\\' || p + 1 >= to) {
          name.append(c);
          continue;
        }
        char e = (char) (in[++p] & 0xFF);
        if (e == 'u' && p + 5 <= to) {
          int code = hex(p + 1, p + 5);
          if (code >= 0) {
            name.append((char) code);
            p += 4;
            continue;
          }
        }
        name.append(
            switch (e) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              case 'b' -> '\b';
              case 'f' -> '\f';
              default -> e;
            });
      }
      return name.toString();
    }

    /** Four hex digits at {@code [from, to)} as a number, or -1. */
    private int hex(int from, int to) {
      if (to - from != 4) {
        return -1;
      }
      int value = 0;
      for (int p = from; p < to; p++) {
        int digit = Character.digit(in[p], 16);
        if (digit < 0) {
          return -1;
        }
        value = value * 16 + digit;
      }
      return value;
    }

    private int skipSpace(int p) {
      while (p < end && (in[p] == ' ' || in[p] == '\t' || in[p] == '\r' || in[p] == '\n')) {
        p++;
      }
      return p;
    }

    private boolean startsWith(int p, String word) {
      if (p + word.length() > end) {
        return false;
      }
      for (int i = 0; i < word.length(); i++) {
        if (in[p + i] != word.charAt(i)) {
          return false;
        }
      }
      return p + word.length() == end || isValueDelimiter(in[p + word.length()]);
    }

    /** Copies input bytes up to {@code upTo} into the output, once redaction has started. */
    private void flush(int upTo) {
      if (!changed) {
        if (upTo == end && copiedUpTo == start) {
          return; // nothing redacted at all
        }
        changed = true;
        out = new byte[Math.max(64, (end - start) + 64)];
      }
      int n = upTo - copiedUpTo;
      if (n > 0) {
        ensure(n);
        System.arraycopy(in, copiedUpTo, out, outLength, n);
        outLength += n;
      }
      copiedUpTo = Math.max(copiedUpTo, upTo);
    }

    private void append(byte[] bytes) {
      ensure(bytes.length);
      System.arraycopy(bytes, 0, out, outLength, bytes.length);
      outLength += bytes.length;
    }

    private void append(byte b) {
      ensure(1);
      out[outLength++] = b;
    }

    private void ensure(int more) {
      if (outLength + more > out.length) {
        out = Arrays.copyOf(out, Math.max(outLength + more, out.length * 2));
      }
    }
  }

  private static boolean isWordByte(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  private static boolean isValueDelimiter(byte c) {
    return c == ',' || c == '}' || c == ']' || c == ')' || c == ';' || c == '&' || c == '"' || c == '\''
        || c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }
}
