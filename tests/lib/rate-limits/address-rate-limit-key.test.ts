// Client addresses as rate-limit keys: IPv4 alone, IPv6 by its /64 (one host holds a whole /64).
import { describe, expect, it } from "vitest";
import { addressRateLimitKey } from "@/lib/rate-limits/address-rate-limit-key";

describe("addressRateLimitKey", () => {
  it("keeps an IPv4 address as it is", () => {
    expect(addressRateLimitKey("203.0.113.9")).toBe("203.0.113.9");
    expect(addressRateLimitKey("203.0.113.10")).toBe("203.0.113.10");
  });

  it("counts every IPv6 address of one /64 under one key, and other /64s apart", () => {
    const key = addressRateLimitKey("2001:db8:1:2::1");
    expect(key).toBe("2001:db8:1:2::/64");
    expect(addressRateLimitKey("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe(key);
    expect(addressRateLimitKey("2001:0db8:0001:0002:abcd::9")).toBe(key);
    expect(addressRateLimitKey("2001:db8:1:3::1")).not.toBe(key);
  });

  it("counts an IPv4-mapped IPv6 address as the IPv4 address", () => {
    expect(addressRateLimitKey("::ffff:203.0.113.9")).toBe("203.0.113.9");
  });
});
