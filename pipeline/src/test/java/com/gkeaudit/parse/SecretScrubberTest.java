package com.gkeaudit.parse;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.sameInstance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretScrubberTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String REDACTED = "[REDACTED]";

  private static final String SET_MASTER_AUTH_PASSWORD = """
      {"@type": "type.googleapis.com/google.container.v1alpha1.SetMasterAuthRequest",
       "name": "projects/p/locations/l/clusters/c",
       "action": "SET_PASSWORD",
       "update": {"username": "admin", "password": "hunter2-secret"}}
      """;

  private static final String SECRETS_NESTED_AND_IN_ARRAYS = """
      {"cluster": {
         "masterAuth": {"clusterCaCertificate": "PUBLIC-CA",
                        "clientCertificate": "CERT-SECRET", "clientKey": "CLIENT-KEY-SECRET"},
         "nodePools": [
           {"name": "a", "config": {"metadata": [{"key": "KEY-SECRET", "value": "v"}]}},
           {"name": "b", "credentials": [{"private_key": "PRIVATE-KEY-SECRET"}, {"token": "TOKEN-SECRET"}]}
         ],
         "secrets": [[{"Secret": "DEEP-SECRET"}]]}}
      """;

  private static final String SECRETS_NESTED_AND_IN_ARRAYS_REDACTED = """
      {"cluster": {
         "masterAuth": {"clusterCaCertificate": "PUBLIC-CA",
                        "clientCertificate": "[REDACTED]", "clientKey": "[REDACTED]"},
         "nodePools": [
           {"name": "a", "config": {"metadata": [{"key": "[REDACTED]", "value": "v"}]}},
           {"name": "b", "credentials": [{"private_key": "[REDACTED]"}, {"token": "[REDACTED]"}]}
         ],
         "secrets": [[{"Secret": "[REDACTED]"}]]}}
      """;

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String serialised(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void setMasterAuthPasswordIsRedactedAndTheRestKept() {
    JsonNode scrubbed = SecretScrubber.scrub(json(SET_MASTER_AUTH_PASSWORD));

    assertThat(serialised(scrubbed), not(containsString("hunter2-secret")));
    assertThat(scrubbed.path("update").path("password").asText(), is(REDACTED));
    assertThat(scrubbed.path("update").path("username").asText(), is("admin"));
    assertThat(scrubbed.path("action").asText(), is("SET_PASSWORD"));
    assertThat(scrubbed.path("name").asText(), is("projects/p/locations/l/clusters/c"));
    assertThat(scrubbed.path("@type").asText(),
        is("type.googleapis.com/google.container.v1alpha1.SetMasterAuthRequest"));
  }

  @Test
  void inputIsNotModified() {
    JsonNode request = json(SET_MASTER_AUTH_PASSWORD);

    JsonNode scrubbed = SecretScrubber.scrub(request);

    assertThat(request, is(json(SET_MASTER_AUTH_PASSWORD)));
    assertThat(scrubbed, not(sameInstance(request)));
  }

  @Test
  void changingTheCopyLeavesTheInputAlone() {
    JsonNode request = json(SET_MASTER_AUTH_PASSWORD);

    ((ObjectNode) SecretScrubber.scrub(request).path("update")).put("username", "changed");

    assertThat(request.path("update").path("username").asText(), is("admin"));
  }

  @Test
  void secretsNestedAndInArraysAreRedacted() {
    JsonNode scrubbed = SecretScrubber.scrub(json(SECRETS_NESTED_AND_IN_ARRAYS));

    for (String secret : new String[] {"CERT-SECRET", "CLIENT-KEY-SECRET", "KEY-SECRET", "PRIVATE-KEY-SECRET",
        "TOKEN-SECRET", "DEEP-SECRET"}) {
      assertThat(serialised(scrubbed), not(containsString(secret)));
    }
    assertThat(scrubbed, is(json(SECRETS_NESTED_AND_IN_ARRAYS_REDACTED)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"password", "clientKey", "client_key", "clientCertificate", "client_certificate",
      "privateKey", "private_key", "secret", "token", "key", "Password", "CLIENT_KEY", "PrivateKey", "TOKEN"})
  void everySecretNameIsRedactedWhateverItsCase(String name) {
    ObjectNode request = MAPPER.createObjectNode();
    request.putObject("update").put(name, "s3cr3t-value");

    JsonNode scrubbed = SecretScrubber.scrub(request);

    assertThat(scrubbed.path("update").path(name).asText(), is(REDACTED));
    assertThat(serialised(scrubbed), not(containsString("s3cr3t-value")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"username", "keyName", "labelKey", "secretManagerConfig", "clientCertificateConfig",
      "clusterCaCertificate", "tokenExpiry", "monkey"})
  void namesThatOnlyContainASecretWordAreKept(String name) {
    ObjectNode request = MAPPER.createObjectNode();
    request.put(name, "kept-value");

    assertThat(SecretScrubber.scrub(request).path(name).asText(), is("kept-value"));
  }

  @Test
  void structuredAndNonTextSecretValuesAreRedactedWhole() {
    JsonNode scrubbed = SecretScrubber.scrub(json("""
        {"secret": {"data": "STRUCTURED-SECRET", "items": ["ITEM-SECRET"]}, "token": 123456789}
        """));

    assertThat(scrubbed, is(json("""
        {"secret": "[REDACTED]", "token": "[REDACTED]"}
        """)));
  }

  @Test
  void clearedCredentialsStayVisible() {
    String clearing = """
        {"action": "SET_USERNAME", "update": {"username": "", "password": "", "clientKey": null}}
        """;

    assertThat(SecretScrubber.scrub(json(clearing)), is(json(clearing)));
  }

  @Test
  void requestWithoutSecretsIsCopiedUnchanged() {
    String request = """
        {"update": {"desiredShieldedNodes": {"enabled": true}, "desiredNodePoolId": "p", "sizes": [1, 2.5, true, null]}}
        """;

    assertThat(SecretScrubber.scrub(json(request)), is(json(request)));
  }

  @Test
  void arrayAtTheTopIsScrubbed() {
    assertThat(SecretScrubber.scrub(json("[{\"key\": \"k1\"}, \"plain\"]")),
        is(json("[{\"key\": \"[REDACTED]\"}, \"plain\"]")));
  }

  @Test
  void nullGivesNull() {
    assertThat(SecretScrubber.scrub(null), is(nullValue()));
  }

  /** A request field that holds JSON as a string: its secrets are redacted, the rest of the string and prose kept. */
  @Test
  void jsonHeldInAStringFieldIsRedactedAndProseIsKept() {
    JsonNode scrubbed = SecretScrubber.scrub(json(
        "{\"annotation\":\"{\\\"clientKey\\\":\\\"k-secret\\\",\\\"user\\\":\\\"admin\\\"}\","
            + "\"description\":\"rotate the key: monthly\"}"));
    assertThat(serialised(scrubbed), not(containsString("k-secret")));
    assertThat(json(scrubbed.path("annotation").textValue()).path("clientKey").asText(), is(REDACTED));
    assertThat(json(scrubbed.path("annotation").textValue()).path("user").asText(), is("admin"));
    assertThat(scrubbed.path("description").asText(), is("rotate the key: monthly"));
  }
}
