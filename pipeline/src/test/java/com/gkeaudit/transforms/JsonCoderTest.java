package com.gkeaudit.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

/** Rule state survives a release: values carry their encoding version, and unversioned ones still decode. */
class JsonCoderTest {
  private final JsonCoder<Map<String, Long>> coder = JsonCoder.mapOf(Long.class);

  @Test
  void aValueStartsWithTheVersionAndRoundTrips() throws IOException {
    Map<String, Long> seen = new TreeMap<>(Map.of("b", 2L, "a", 1L));
    byte[] bytes = CoderUtils.encodeToByteArray(coder, seen);
    assertEquals(JsonCoder.VERSIONED, bytes[0]);
    assertEquals(JsonCoder.VERSION, bytes[1]);
    assertEquals(seen, CoderUtils.decodeFromByteArray(coder, bytes));
  }

  @Test
  void theUnversionedEncodingOfEarlierReleasesStillDecodes() throws IOException {
    // What the coder wrote before it was versioned: the JSON, length-prefixed. A long value needs a two-byte length.
    String json = "{\"a\":1,\"" + "k".repeat(200) + "\":2}";
    ByteArrayOutputStream old = new ByteArrayOutputStream();
    ByteArrayCoder.of().encode(json.getBytes(StandardCharsets.UTF_8), old);
    // Two values in one stream: decoding must stop exactly at the end of the first.
    ByteArrayCoder.of().encode("{\"b\":3}".getBytes(StandardCharsets.UTF_8), old);
    ByteArrayInputStream in = new ByteArrayInputStream(old.toByteArray());
    assertEquals(Map.of("a", 1L, "k".repeat(200), 2L), coder.decode(in));
    assertEquals(Map.of("b", 3L), coder.decode(in));
    assertEquals(-1, in.read());
  }

  @Test
  void anUnknownVersionIsRejectedClearly() {
    byte[] future = {JsonCoder.VERSIONED, 9, 2, '{', '}'};
    IOException e = assertThrows(IOException.class, () -> coder.decode(new ByteArrayInputStream(future)));
    assertTrue(e.getMessage().contains("unknown encoding version 9"), e.getMessage());
  }

  @Test
  void versionedValuesNestInsideOtherCoders() throws IOException {
    ListCoder<Map<String, Long>> list = ListCoder.of(coder);
    List<Map<String, Long>> values = List.of(Map.of("x", 1L), Map.of(), Map.of("y", 5L, "z", 6L));
    assertEquals(values, CoderUtils.decodeFromByteArray(list, CoderUtils.encodeToByteArray(list, values)));
  }
}
