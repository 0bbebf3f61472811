package com.gkeaudit.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The few Pub/Sub REST calls the replay tool and the emulator tests need (create topic, create subscription,
 * publish, pull, acknowledge), on {@link HttpClient}: no client library, so it talks to the emulator exactly as to
 * the service. Transient failures (connection errors, 429, 500, 502, 503, 504) are retried with backoff.
 */
public final class PubsubRest {
  /** The real service. */
  public static final String SERVICE_ROOT_URL = "https://pubsub.googleapis.com";

  static final int ATTEMPTS = 5;
  private static final Set<Integer> TRANSIENT = Set.of(429, 500, 502, 503, 504);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String rootUrl;
  private final Supplier<String> bearerToken;
  private final HttpClient http;
  private final long backoffMillis;

  /** One message: its bytes and attributes (may be empty, never null). */
  public record Message(byte[] data, Map<String, String> attributes) {}

  /** A pulled message with the ack id that acknowledges it. */
  public record Received(String ackId, String messageId, byte[] data, Map<String, String> attributes) {}

  /** A call Pub/Sub refused (HTTP status, or 0 when it could not be reached), after any retries. */
  public static final class PubsubException extends RuntimeException {
    private final int status;

    PubsubException(int status, String message, Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /**
   * @param rootUrl e.g. {@code http://localhost:8085} (emulator) or {@link #SERVICE_ROOT_URL}
   * @param bearerToken supplies an OAuth access token per request, or null for none (the emulator)
   */
  public PubsubRest(String rootUrl, Supplier<String> bearerToken) {
    this(rootUrl, bearerToken, 250);
  }

  PubsubRest(String rootUrl, Supplier<String> bearerToken, long backoffMillis) {
    this.rootUrl = rootUrl.replaceAll("/+$", "");
    this.bearerToken = bearerToken;
    this.backoffMillis = backoffMillis;
    this.http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }

  public String rootUrl() {
    return rootUrl;
  }

  /** Creates {@code projects/P/topics/T}; false when it exists already. */
  public boolean createTopic(String topic) {
    return create(topic, JSON.createObjectNode());
  }

  /** Creates {@code projects/P/subscriptions/S} on a topic; false when it exists already. */
  public boolean createSubscription(String subscription, String topic) {
    ObjectNode body = JSON.createObjectNode().put("topic", topic);
    return create(subscription, body);
  }

  private boolean create(String name, ObjectNode body) {
    try {
      call("PUT", name, body);
      return true;
    } catch (PubsubException e) {
      if (e.status() == 409) {
        return false;
      }
      throw e;
    }
  }

  /** Publishes the messages in one request; returns their message ids. */
  public List<String> publish(String topic, List<Message> messages) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode array = body.putArray("messages");
    Base64.Encoder base64 = Base64.getEncoder();
    for (Message message : messages) {
      ObjectNode node = array.addObject().put("data", base64.encodeToString(message.data()));
      if (!message.attributes().isEmpty()) {
        ObjectNode attributes = node.putObject("attributes");
        message.attributes().forEach(attributes::put);
      }
    }
    JsonNode response = call("POST", topic + ":publish", body);
    List<String> ids = new ArrayList<>();
    response.path("messageIds").forEach(id -> ids.add(id.asText()));
    return ids;
  }

  /** Pulls up to {@code max} messages (returns immediately, possibly with none). */
  public List<Received> pull(String subscription, int max) {
    ObjectNode body = JSON.createObjectNode().put("maxMessages", max).put("returnImmediately", true);
    JsonNode response = call("POST", subscription + ":pull", body);
    List<Received> received = new ArrayList<>();
    Base64.Decoder base64 = Base64.getDecoder();
    for (JsonNode item : response.path("receivedMessages")) {
      JsonNode message = item.path("message");
      Map<String, String> attributes = new java.util.TreeMap<>();
      message.path("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
      received.add(
          new Received(
              item.path("ackId").asText(),
              message.path("messageId").asText(),
              base64.decode(message.path("data").asText("")),
              attributes));
    }
    return received;
  }

  /** Acknowledges pulled messages. */
  public void acknowledge(String subscription, List<String> ackIds) {
    if (ackIds.isEmpty()) {
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    ArrayNode ids = body.putArray("ackIds");
    ackIds.forEach(ids::add);
    call("POST", subscription + ":acknowledge", body);
  }

  /** One REST call on {@code /v1/<resource>}, retried while the failure is transient. */
  private JsonNode call(String method, String resource, JsonNode body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(rootUrl + "/v1/" + resource))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
    String what = method + " " + resource;
    for (int attempt = 1; ; attempt++) {
      int status = 0;
      String problem;
      Throwable cause = null;
      try {
        if (bearerToken != null) {
          request.setHeader("Authorization", "Bearer " + bearerToken.get());
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        status = response.statusCode();
        if (status / 100 == 2) {
          return response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        }
        problem = "HTTP " + status + ": " + errorMessage(response.body());
      } catch (IOException e) {
        problem = "cannot reach " + rootUrl + " (" + e + ")";
        cause = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PubsubException(0, what + ": interrupted", e);
      }
      boolean transientFailure = status == 0 || TRANSIENT.contains(status);
      if (!transientFailure || attempt == ATTEMPTS) {
        throw new PubsubException(
            status, what + ": " + problem + (transientFailure ? " (after " + attempt + " attempts)" : ""), cause);
      }
      try {
        Thread.sleep(backoffMillis << (attempt - 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PubsubException(0, what + ": interrupted", e);
      }
    }
  }

  /** Pub/Sub's {@code error.message}, or the start of the body when it is not the usual JSON error. */
  private static String errorMessage(byte[] body) {
    String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    try {
      JsonNode message = JSON.readTree(body).path("error").path("message");
      if (message.isTextual()) {
        return message.asText();
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: fall through to the raw text
    }
    text = text.strip().replaceAll("\\s+", " ");
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
