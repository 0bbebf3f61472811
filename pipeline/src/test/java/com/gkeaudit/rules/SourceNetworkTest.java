package com.gkeaudit.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/behavioural-rules.md source network: internal, IPv4 /24, IPv6 /48, or none. */
class SourceNetworkTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "private,internal",
    "gce-internal-ip,internal",
    "10.1.2.3,internal",
    "172.16.0.1,internal",
    "172.31.255.255,internal",
    "192.168.7.9,internal",
    "fc00::1,internal",
    "fd12:3456:789a::1,internal",
    // Just outside the private ranges: public, by /24.
    "172.15.9.9,172.15.9.0/24",
    "172.32.0.1,172.32.0.0/24",
    "192.169.1.1,192.169.1.0/24",
    "11.0.0.1,11.0.0.0/24",
    // Documentation ranges are public here.
    "203.0.113.77,203.0.113.0/24",
    "192.0.2.1,192.0.2.0/24",
    "198.51.100.200,198.51.100.0/24",
    "100.64.0.1,100.64.0.0/24",
    // fec0::/10 is what Java's isSiteLocalAddress tests; it is not RFC 4193.
    "fec0::1,fec0::/48",
    "fe00::1,fe00::/48",
    "2001:db8:1:2::1,2001:db8:1::/48",
    "2001:DB8:0:5::9,2001:db8::/48",
    "2001:0:0:1::1,2001::/48",
    "2600:1900:4000:abcd::1,2600:1900:4000::/48",
    "::1,::/48",
    // One caller written two ways.
    "::ffff:203.0.113.7,203.0.113.0/24",
  })
  void networks(String callerIp, String network) {
    assertEquals(network, SourceNetwork.of(callerIp));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "unknown", "example.com", "localhost", "300.1.1.1", "010.1.1.1", "1.2.3",
      "203.0.113.7 ", "2001:db8::/32", "PRIVATE"})
  void notAnAddressIsNone(String callerIp) {
    assertNull(SourceNetwork.of(callerIp));
  }

  @Test
  void absentIsNone() {
    assertNull(SourceNetwork.of(null));
  }
}
