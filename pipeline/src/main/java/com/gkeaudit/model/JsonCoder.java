package com.gkeaudit.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * An explicit coder for the project's value records and rule state: Jackson JSON, length-prefixed. Map entries are
 * written in key order so equal values always encode to equal bytes.
 */
public final class JsonCoder<T> extends CustomCoder<T> {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();

  private final Class<T> type;

  private JsonCoder(Class<T> type) {
    this.type = type;
  }

  public static <T> JsonCoder<T> of(Class<T> type) {
    return new JsonCoder<>(type);
  }

  @Override
  public void encode(T value, OutputStream out) throws IOException {
    BYTES.encode(MAPPER.writeValueAsBytes(value), out);
  }

  @Override
  public T decode(InputStream in) throws IOException {
    return MAPPER.readValue(BYTES.decode(in), type);
  }

  @Override
  public void verifyDeterministic() {
    // Records encode their components in declaration order and maps in key order.
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof JsonCoder<?> that && that.type.equals(type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }
}
