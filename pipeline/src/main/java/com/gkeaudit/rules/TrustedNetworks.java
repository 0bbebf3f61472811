package com.gkeaudit.rules;

import com.google.common.net.InetAddresses;
import java.io.Serializable;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Trusted CIDRs, IPv4 and IPv6. Audit logs write internal callers as {@code private} or {@code gce-internal-ip}
 * instead of an address; those count as inside (docs/rules.md untrusted-source).
 */
public final class TrustedNetworks implements Serializable {
  private record Block(byte[] network, int prefix, String text) implements Serializable {}

  private final List<Block> blocks;

  private TrustedNetworks(List<Block> blocks) {
    this.blocks = blocks;
  }

  /** Parses CIDRs ("10.0.0.0/8", "2001:db8::/32", a bare address); throws with a clear message on a bad one. */
  public static TrustedNetworks parse(List<String> cidrs) {
    List<Block> blocks = new ArrayList<>();
    for (String cidr : cidrs) {
      String[] parts = cidr.trim().split("/", -1);
      if (parts.length > 2 || !InetAddresses.isInetAddress(parts[0])) {
        throw new IllegalArgumentException("not a CIDR: '" + cidr + "' (expected e.g. 203.0.113.0/24 or 2001:db8::/32)");
      }
      byte[] address = InetAddresses.forString(parts[0]).getAddress();
      int prefix;
      try {
        prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a CIDR prefix length: '" + cidr + "'");
      }
      if (prefix < 0 || prefix > address.length * 8) {
        throw new IllegalArgumentException("CIDR prefix out of range: '" + cidr + "'");
      }
      blocks.add(new Block(address, prefix, cidr.trim()));
    }
    return new TrustedNetworks(List.copyOf(blocks));
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** Whether a caller IP as logged is inside; an unparsable value is outside (it is not a trusted address). */
  public boolean contains(String callerIp) {
    if (callerIp == null) {
      return false;
    }
    String ip = callerIp.trim();
    if (ip.equals("private") || ip.equals("gce-internal-ip")) {
      return true;
    }
    if (!InetAddresses.isInetAddress(ip)) {
      return false;
    }
    InetAddress address = InetAddresses.forString(ip);
    byte[] bytes = address.getAddress();
    for (Block block : blocks) {
      if (block.network.length == bytes.length && samePrefix(block.network, bytes, block.prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean samePrefix(byte[] a, byte[] b, int prefix) {
    int bits = a.length * 8;
    BigInteger mask = prefix == 0 ? BigInteger.ZERO
        : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(bits - prefix).shiftLeft(bits - prefix);
    return new BigInteger(1, a).and(mask).equals(new BigInteger(1, b).and(mask));
  }

  @Override
  public String toString() {
    return String.join(",", blocks.stream().map(Block::text).toList());
  }
}
