// The security headers' values (issue 14, finding 4); tests/http/security-headers.test.ts checks
// that real answers carry them, and tests/e2e/content-security-policy.spec.ts that pages work under them.
import type { NextConfig } from "next";
import { describe, expect, it } from "vitest";
import { STATIC_SECURITY_HEADERS, contentSecurityPolicy, createNonce, strictTransportSecurity } from "@/lib/http/security-headers";

describe("security headers", () => {
  it("next.config.js sends exactly STATIC_SECURITY_HEADERS on every path", async () => {
    // A path the compiler does not follow: next.config.js is plain JavaScript without types.
    const configFile: string = "../../../next.config.js";
    const { default: nextConfig } = (await import(configFile)) as { default: NextConfig };
    const rules = (await nextConfig.headers?.()) ?? [];
    expect(rules).toHaveLength(1);
    expect(rules[0]!.source).toBe("/:path*");
    expect(Object.fromEntries(rules[0]!.headers.map(({ key, value }) => [key, value]))).toEqual(STATIC_SECURITY_HEADERS);
  });

  it("a strict policy: nonce and strict-dynamic for scripts, no framing, no plugins, no base or foreign form targets", () => {
    const policy = contentSecurityPolicy("abc123", { https: false, development: false });
    const directives = new Map(policy.split("; ").map((directive) => [directive.split(" ")[0], directive.split(" ").slice(1).join(" ")]));
    expect(directives.get("script-src")).toBe("'self' 'nonce-abc123' 'strict-dynamic'");
    expect(directives.get("default-src")).toBe("'self'");
    expect(directives.get("frame-ancestors")).toBe("'none'");
    expect(directives.get("object-src")).toBe("'none'");
    expect(directives.get("base-uri")).toBe("'none'");
    expect(directives.get("form-action")).toBe("'self'");
    expect(policy).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|upgrade-insecure-requests/);
    expect(contentSecurityPolicy("n", { https: true, development: false })).toMatch(/; upgrade-insecure-requests$/);
    expect(contentSecurityPolicy("n", { https: false, development: true })).toMatch(/script-src [^;]*'unsafe-eval'/);
  });

  it("nonces are fresh and unguessable (128 bits)", () => {
    const nonces = new Set(Array.from({ length: 1000 }, createNonce));
    expect(nonces.size).toBe(1000);
    expect(Buffer.from([...nonces][0]!, "base64")).toHaveLength(16);
  });

  it("HSTS only for an https public URL", () => {
    expect(strictTransportSecurity("https://shiplog.example.com")).toBe("max-age=31536000");
    expect(strictTransportSecurity("http://shiplog.internal:3000")).toBeNull();
    expect(strictTransportSecurity(undefined)).toBeNull();
  });
});
