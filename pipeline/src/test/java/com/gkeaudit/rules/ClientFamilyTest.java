package com.gkeaudit.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/behavioural-rules.md client-family table: first matching row wins, case-insensitive, fallback to the agent's first word. */
class ClientFamilyTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // Terraform's agent also contains google-api-go-client: the terraform row comes first.
        "Terraform/1.7.5 (+https://www.terraform.io) Terraform-Plugin-SDK/2.10.1 terraform-provider-google/5.22.0 google-api-go-client/0.5,gzip(gfe)|terraform",
        "google-api-go-client/0.5 Terraform/1.5.0|terraform",
        "google-cloud-sdk gcloud/480.0.0 command/gcloud.container.clusters.update invocation-id/abc|gcloud",
        "GCLOUD/480.0.0|gcloud",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36,gzip(gfe)|console",
        "GoogleCloudConsole|console",
        "kubectl/v1.30.1 (linux/amd64) kubernetes/abc|kubectl",
        "cnrm-controller-manager/1.120.0|config-connector",
        "Config-Connector/1.2|config-connector",
        "python-requests/2.31.0|python-requests",
        "curl/8.5.0,gzip(gfe)|curl",
        "CURL/7.68.0|curl",
        "google-api-python-client/2.100.0 gl-python/3.11.4|python-client",
        "gl-python/3.11 grpc/1.0|python-client",
        "google-api-go-client/0.5|go-client",
        "gl-go/1.21.0 gax/2.12.0|go-client",
        "google-api-java-client/2.2.0 Google-HTTP-Java-Client/1.43.3|java-client",
        "gl-java/17 gdcl/2.2.0|java-client",
        "Go-http-client/2.0|go-http",
        "Helm/3.14 linux|helm",
        "MyTool 1.0|mytool",
        "my-tool,gzip(gfe)|my-tool,gzip(gfe)",
        // Without the slash the curl row does not match; the fallback still names it curl.
        "curl|curl",
      })
  void tableRows(String agent, String family) {
    assertEquals(family, ClientFamily.of(agent));
  }

  @ParameterizedTest
  @CsvSource(value = {"''", "'   '", "'\t'"})
  void blankIsUnknown(String agent) {
    assertEquals("unknown", ClientFamily.of(agent));
  }

  @org.junit.jupiter.api.Test
  void absentIsUnknown() {
    assertEquals("unknown", ClientFamily.of(null));
  }
}
