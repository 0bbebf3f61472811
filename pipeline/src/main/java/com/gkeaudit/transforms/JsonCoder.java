package com.gkeaudit.transforms;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * An explicit coder for the project's value records and rule state: Jackson JSON, length-prefixed. Map entries are
 * written in key order so equal values always encode to equal bytes.
 *
 * <p>Versioned, because rule state outlives the code that wrote it (Dataflow {@code --update}, a restored
 * checkpoint): each value starts with a zero byte and the encoding version ({@link #VERSION}), then the JSON. A zero
 * byte can never start the unversioned encoding of earlier releases (a varint length of the JSON, at least 2), so
 * values written before versioning still decode. A version this code does not know is a clear error rather than
 * garbled state. Within one version, added record fields decode from older JSON as absent (null or zero), and
 * unknown fields are ignored.
 */
public final class JsonCoder<T> extends CustomCoder<T> {
  // No string-length limit of Jackson's own (20,000,000 chars by default): the parser bounds what an event holds
  // (a request over 1 MiB is kept as a 16 KiB excerpt), and a runner that encodes between steps must never fail on
  // a record the parser accepted.
  private static final ObjectMapper MAPPER =
      new ObjectMapper(
              com.fasterxml.jackson.core.JsonFactory.builder()
                  .streamReadConstraints(
                      com.fasterxml.jackson.core.StreamReadConstraints.builder()
                          .maxStringLength(Integer.MAX_VALUE)
                          .build())
                  .build())
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();
  /** Marks a versioned value: never the first byte of an unversioned one. */
  static final int VERSIONED = 0;
  /** The encoding written now. */
  static final int VERSION = 1;

  private final Class<?> valueType;
  private final boolean mapOfValues;
  private transient JavaType javaType;

  private JsonCoder(Class<?> valueType, boolean mapOfValues) {
    this.valueType = valueType;
    this.mapOfValues = mapOfValues;
  }

  public static <T> JsonCoder<T> of(Class<T> type) {
    return new JsonCoder<>(type, false);
  }

  /** A coder of {@code Map<String, V>} (sorted by key), for per-key state held together. */
  public static <V> JsonCoder<Map<String, V>> mapOf(Class<V> valueType) {
    return new JsonCoder<>(valueType, true);
  }

  private JavaType javaType() {
    if (javaType == null) {
      javaType =
          mapOfValues
              ? MAPPER.getTypeFactory().constructMapType(TreeMap.class, String.class, valueType)
              : MAPPER.getTypeFactory().constructType(valueType);
    }
    return javaType;
  }

  @Override
  public void encode(T value, OutputStream out) throws IOException {
    out.write(VERSIONED);
    out.write(VERSION);
    BYTES.encode(MAPPER.writeValueAsBytes(value), out);
  }

  @Override
  public T decode(InputStream in) throws IOException {
    int first = in.read();
    if (first < 0) {
      throw new EOFException("JsonCoder: no value left to decode");
    }
    byte[] json;
    if (first == VERSIONED) {
      int version = in.read();
      if (version != VERSION) {
        throw new IOException(
            "JsonCoder: unknown encoding version " + version + " of " + valueType.getSimpleName()
                + " (this code reads version " + VERSION + "; was the state written by a newer release?)");
      }
      json = BYTES.decode(in);
    } else {
      // Unversioned (earlier releases): a varint length, whose first byte was just read, then the JSON.
      json = readFully(in, unversionedLength(first, in));
    }
    return MAPPER.readValue(json, javaType());
  }

  private static int unversionedLength(int first, InputStream in) throws IOException {
    long length = first & 0x7F;
    int shift = 7;
    int b = first;
    while ((b & 0x80) != 0) {
      b = in.read();
      if (b < 0 || shift > 28) {
        throw new IOException("JsonCoder: malformed length of an unversioned value");
      }
      length |= (long) (b & 0x7F) << shift;
      shift += 7;
    }
    return Math.toIntExact(length);
  }

  private static byte[] readFully(InputStream in, int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException("JsonCoder: value truncated after " + bytes.length + " of " + length + " bytes");
    }
    return bytes;
  }

  @Override
  public void verifyDeterministic() {
    // Records encode their components in declaration order and maps in key order.
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof JsonCoder<?> that && that.valueType.equals(valueType) && that.mapOfValues == mapOfValues;
  }

  @Override
  public int hashCode() {
    return valueType.hashCode() * 2 + (mapOfValues ? 1 : 0);
  }
}
