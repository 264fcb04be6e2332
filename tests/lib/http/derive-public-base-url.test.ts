import { describe, expect, it } from "vitest";
import { derivePublicBaseUrl } from "../../../lib/http/derive-public-base-url";

const from = (entries: Record<string, string>) => derivePublicBaseUrl(new Headers(entries));

describe("derivePublicBaseUrl", () => {
  it("uses the Host header: http for loopback, https otherwise", () => {
    expect(from({ host: "localhost:3000" })).toBe("http://localhost:3000");
    expect(from({ host: "127.0.0.1:41234" })).toBe("http://127.0.0.1:41234");
    expect(from({ host: "shiplog.example.com" })).toBe("https://shiplog.example.com");
  });

  it("prefers what the proxy forwarded, the first entry of a chain", () => {
    expect(from({ host: "10.0.0.5:3000", "x-forwarded-host": "shiplog.example.com, inner.local", "x-forwarded-proto": "https, http" })).toBe(
      "https://shiplog.example.com",
    );
    expect(from({ host: "shiplog.internal", "x-forwarded-proto": "http" })).toBe("http://shiplog.internal");
  });

  it("ignores a forwarded protocol that is neither http nor https, and a host that is no host", () => {
    expect(from({ host: "shiplog.example.com", "x-forwarded-proto": "javascript" })).toBe("https://shiplog.example.com");
    expect(from({ host: "evil.com/<script>" })).toBe("http://localhost:3000");
    expect(from({})).toBe("http://localhost:3000");
  });
});
