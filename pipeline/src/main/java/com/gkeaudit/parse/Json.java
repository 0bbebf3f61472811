package com.gkeaudit.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Null-safe field access over Jackson trees that accepts both spellings Google uses for the same field: camelCase
 * (API JSON, audit-log requests, Cloud Asset Inventory feeds) and snake_case (Cloud Asset Inventory export files).
 */
public final class Json {
  private Json() {}

  /** The child named {@code camelName} or its snake_case spelling; null when neither is present or is JSON null. */
  public static JsonNode field(JsonNode node, String camelName) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode value = node.get(camelName);
    if (value == null || value.isNull()) {
      value = node.get(toSnakeCase(camelName));
    }
    return value == null || value.isNull() ? null : value;
  }

  /** Follows a path of camelCase names, each resolved as in {@link #field}. */
  public static JsonNode path(JsonNode node, String... camelNames) {
    JsonNode current = node;
    for (String name : camelNames) {
      current = field(current, name);
      if (current == null) {
        return null;
      }
    }
    return current;
  }

  /** Text of a scalar field (numbers and booleans as their JSON text); null when absent or not a scalar. */
  public static String text(JsonNode node, String... camelPath) {
    JsonNode value = path(node, camelPath);
    return value != null && value.isValueNode() ? value.asText() : null;
  }

  /**
   * A boolean as proto3 logs it: absent means false. Accepts JSON booleans and the strings "true"/"false", which
   * some exporters produce.
   */
  public static boolean isTrue(JsonNode node, String... camelPath) {
    JsonNode value = path(node, camelPath);
    if (value == null) {
      return false;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    return value.isTextual() && value.textValue().trim().toLowerCase(Locale.ROOT).equals("true");
  }

  static String toSnakeCase(String camelName) {
    StringBuilder out = new StringBuilder(camelName.length() + 4);
    for (int i = 0; i < camelName.length(); i++) {
      char c = camelName.charAt(i);
      if (Character.isUpperCase(c)) {
        out.append('_').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
