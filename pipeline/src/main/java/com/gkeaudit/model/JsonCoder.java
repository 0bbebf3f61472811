package com.gkeaudit.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
    BYTES.encode(MAPPER.writeValueAsBytes(value), out);
  }

  @Override
  public T decode(InputStream in) throws IOException {
    return MAPPER.readValue(BYTES.decode(in), javaType());
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
