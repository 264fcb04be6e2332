// Who sent a request (issue 14, finding 2): X-Forwarded-For is believed only as far as trusted
// proxies vouch for it, and the peer address only when this process's HTTP server stamped it.
import { describe, expect, it } from "vitest";
import { PEER_ADDRESS_HEADER, peerAddress, resolveClientAddress, trustedProxyList } from "@/lib/http/client-address";

const none = trustedProxyList([]);
const proxies = trustedProxyList(["10.0.0.0/8", "192.0.2.7", "fd00::/8"]);

describe("resolveClientAddress", () => {
  it("is the peer itself when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(resolveClientAddress("203.0.113.9", "198.51.100.1", none)).toBe("203.0.113.9");
    expect(resolveClientAddress("203.0.113.9", null, none)).toBe("203.0.113.9");
    expect(resolveClientAddress("10.1.2.3", "198.51.100.1", none)).toBe("10.1.2.3");
  });

  it("is the peer when the peer is not a trusted proxy, so a client cannot choose its address", () => {
    expect(resolveClientAddress("203.0.113.9", "10.1.2.3, 198.51.100.1", proxies)).toBe("203.0.113.9");
  });

  it("reads X-Forwarded-For from the right behind trusted proxies, stopping at the first untrusted hop", () => {
    expect(resolveClientAddress("10.1.2.3", "198.51.100.1", proxies)).toBe("198.51.100.1");
    // What the client wrote itself (the leftmost entry) is never reached.
    expect(resolveClientAddress("10.1.2.3", "6.6.6.6, 198.51.100.1, 192.0.2.7", proxies)).toBe("198.51.100.1");
    expect(resolveClientAddress("fd00::1", "2001:db8::5", proxies)).toBe("2001:db8::5");
  });

  it("stops at what is known when the chain is missing, garbled or trusted all the way", () => {
    expect(resolveClientAddress("10.1.2.3", null, proxies)).toBe("10.1.2.3");
    expect(resolveClientAddress("10.1.2.3", "not-an-address", proxies)).toBe("10.1.2.3");
    expect(resolveClientAddress("10.1.2.3", "198.51.100.1, garbage", proxies)).toBe("10.1.2.3");
    expect(resolveClientAddress("10.1.2.3", "10.9.9.9, 192.0.2.7", proxies)).toBe("10.9.9.9");
  });

  it("is unknown without a peer address", () => {
    expect(resolveClientAddress(null, "198.51.100.1", proxies)).toBeNull();
  });
});

describe("peerAddress", () => {
  it("ignores the header unless this process's server stamps it (a client could send it otherwise)", () => {
    // Unit tests run no HTTP server, so nothing stamped it: the client's own value is not believed.
    expect(peerAddress(new Headers({ [PEER_ADDRESS_HEADER]: "198.51.100.1" }))).toBeNull();
  });
});
