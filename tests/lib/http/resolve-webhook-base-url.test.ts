import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/env";
import { resolveWebhookBaseUrl } from "../../../lib/http/resolve-webhook-base-url";

describe("resolveWebhookBaseUrl", () => {
  it("uses SHIPLOG_PUBLIC_URL when set, whatever host the page was opened at", () => {
    const headers = new Headers({ host: "10.0.0.5:3000", "x-forwarded-host": "inner.local" });
    expect(resolveWebhookBaseUrl("https://shiplog.example.com", headers)).toEqual({ url: "https://shiplog.example.com", from: "SHIPLOG_PUBLIC_URL" });
  });

  it("takes the setting as lib/env.ts reads it (trailing slashes dropped)", () => {
    const { SHIPLOG_PUBLIC_URL } = parseConfig({ SHIPLOG_PUBLIC_URL: "https://ship.example.com/" });
    expect(resolveWebhookBaseUrl(SHIPLOG_PUBLIC_URL, new Headers())).toEqual({ url: "https://ship.example.com", from: "SHIPLOG_PUBLIC_URL" });
  });

  it("falls back to the address the request came to when the setting is unset", () => {
    expect(resolveWebhookBaseUrl(undefined, new Headers({ host: "shiplog.internal", "x-forwarded-proto": "http" }))).toEqual({ url: "http://shiplog.internal", from: "request" });
  });
});
