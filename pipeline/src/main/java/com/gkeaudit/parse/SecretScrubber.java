package com.gkeaudit.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.gkeaudit.model.Redactor;
import java.util.Iterator;
import java.util.Map;

/**
 * Removes secrets from a logged request before it is copied anywhere: docs/rules.md says secrets in requests (SetMasterAuth
 * passwords, client keys) never reach events, findings or logs, so they must not leave the parser.
 *
 * <p>The value of every field with a secret name ({@link Redactor#SECRET_NAMES}, the one list the text redaction of
 * dead letters and logs uses too: {@code password}, {@code clientKey}, {@code clientCertificate}, {@code privateKey},
 * {@code secret}, {@code token}, {@code key}, ...), at any depth and inside arrays, becomes the string
 * {@code "[REDACTED]"}. Names match case-insensitively and in snake_case ({@code client_key},
 * {@code private_key}, ...). Matching is on the whole name, not a part of it: names such as {@code keyName} (a KMS
 * key's resource name), {@code secretManagerConfig}, {@code clientCertificateConfig} or {@code clusterCaCertificate}
 * hold configuration or public data a responder needs. A secret field whose value is null or the empty string is
 * kept as is: it holds no secret, and it shows that a credential was cleared rather than set. A string that holds
 * JSON ({@code "{\"password\":\"...\"}"}) has the secrets in it redacted as {@link Redactor} redacts text.
 */
public final class SecretScrubber {
  private static final String REDACTED = Redactor.REDACTED;

  private SecretScrubber() {}

  /** A deep copy of {@code request} with secret values redacted; the input is left unchanged. Null gives null. */
  public static JsonNode scrub(JsonNode request) {
    return request == null ? null : copyWithoutSecrets(request);
  }

  private static JsonNode copyWithoutSecrets(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode value = field.getValue();
        copy.set(field.getKey(),
            isSecretName(field.getKey()) && holdsValue(value) ? TextNode.valueOf(REDACTED) : copyWithoutSecrets(value));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
      for (JsonNode element : node) {
        copy.add(copyWithoutSecrets(element));
      }
      return copy;
    }
    if (node.isTextual() && node.textValue().indexOf('"') >= 0) {
      // JSON held in a string (a payload logged as text): redacted as the text form redacts JSON; prose is kept.
      String text = node.textValue();
      String redacted = Redactor.redact(text);
      return redacted.equals(text) ? node : TextNode.valueOf(redacted);
    }
    return node.deepCopy();
  }

  private static boolean isSecretName(String name) {
    return Redactor.isSecretName(name);
  }

  private static boolean holdsValue(JsonNode value) {
    return !value.isNull() && !(value.isTextual() && value.textValue().isEmpty());
  }
}
