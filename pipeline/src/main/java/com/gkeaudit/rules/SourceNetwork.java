package com.gkeaudit.rules;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * docs/behavioural-rules.md source network of an entry, from {@code requestMetadata.callerIp}: {@code internal} for the values Cloud
 * Logging writes for internal callers ({@code private}, {@code gce-internal-ip}) and for RFC 1918 and RFC 4193
 * addresses; any other IPv4 address its /24 ({@code 203.0.113.0/24}), any other IPv6 address its /48 in RFC 5952 text
 * ({@code 2001:db8:1::/48}); absent or not an address: none (null).
 */
public final class SourceNetwork {
  public static final String INTERNAL = "internal";

  private SourceNetwork() {}

  /**
   * The network, or null. Addresses are read strictly (Guava's literal parser: no host names, no DNS, no octal
   * "010.1.1.1"). An IPv4-mapped IPv6 address ({@code ::ffff:198.51.100.7}) is that IPv4 address: it is one
   * caller, written two ways.
   */
  public static String of(String callerIp) {
    if (callerIp == null) {
      return null;
    }
    if (callerIp.equals("private") || callerIp.equals("gce-internal-ip")) {
      return INTERNAL;
    }
    if (!InetAddresses.isInetAddress(callerIp)) {
      return null;
    }
    InetAddress address = InetAddresses.forString(callerIp);
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      if (first == 10 || (first == 172 && second >= 16 && second <= 31) || (first == 192 && second == 168)) {
        return INTERNAL;
      }
      return first + "." + second + "." + (b[2] & 0xff) + ".0/24";
    }
    if ((b[0] & 0xfe) == 0xfc) {
      return INTERNAL;
    }
    int[] groups = {(b[0] & 0xff) << 8 | (b[1] & 0xff), (b[2] & 0xff) << 8 | (b[3] & 0xff), (b[4] & 0xff) << 8 | (b[5] & 0xff)};
    return rfc5952Prefix48(groups) + "/48";
  }

  /** The first three groups of a /48 followed by zeros, with the longest run of zero groups (length ≥ 2) as "::". */
  private static String rfc5952Prefix48(int[] first3) {
    int[] g = new int[8];
    System.arraycopy(first3, 0, g, 0, 3);
    int bestStart = -1;
    int bestLength = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    if (bestLength < 2) {
      bestStart = -1;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(g[i]));
    }
    return text.toString();
  }
}
