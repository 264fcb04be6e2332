// /metrics serves the DORA page to browsers and Prometheus text to scrapers: which request is which.
import { describe, expect, it } from "vitest";
import { authorizeScrape } from "@/lib/observability/authorize-scrape";
import { isMetricsScrape } from "@/lib/observability/is-metrics-scrape";

const headers = (entries: Record<string, string>) => new Headers(entries);

describe("isMetricsScrape", () => {
  it("takes Prometheus, curl with the token and anything with a bearer token as a scrape", () => {
    const prometheus = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
    expect(isMetricsScrape("GET", "/metrics", headers({ accept: prometheus, authorization: "Bearer x" }))).toBe(true);
    expect(isMetricsScrape("GET", "/metrics", headers({ accept: prometheus }))).toBe(true);
    expect(isMetricsScrape("GET", "/metrics", headers({ accept: "*/*", authorization: "Bearer x" }))).toBe(true);
    expect(isMetricsScrape("HEAD", "/metrics", headers({ authorization: "Bearer x", accept: "text/html" }))).toBe(true);
  });

  it("leaves the DORA page's own requests to the page: navigation, client-side navigation, prefetch, server actions", () => {
    expect(isMetricsScrape("GET", "/metrics", headers({ accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" }))).toBe(false);
    expect(isMetricsScrape("GET", "/metrics", headers({ accept: "*/*", rsc: "1", "next-router-state-tree": "%5B%5D" }))).toBe(false);
    expect(isMetricsScrape("GET", "/metrics", headers({ accept: "*/*", rsc: "1", "next-router-prefetch": "1" }))).toBe(false);
    expect(isMetricsScrape("POST", "/metrics", headers({ accept: "text/x-component", "next-action": "abc" }))).toBe(false);
    expect(isMetricsScrape("GET", "/metrics/", headers({ accept: "*/*" }))).toBe(false);
    // A prefetch racing a sign-out, as the proxy sees it (Next strips its own headers): no cookie, */*.
    expect(isMetricsScrape("GET", "/metrics", headers({ accept: "*/*" }))).toBe(false);
    expect(isMetricsScrape("GET", "/metrics", headers({}))).toBe(false);
    // A bearer token wins over a cookie: Prometheus behind a proxy that adds one is still Prometheus.
    expect(isMetricsScrape("GET", "/metrics", headers({ accept: "*/*", authorization: "Bearer x", cookie: "shiplog.session_token=x" }))).toBe(true);
    expect(isMetricsScrape("GET", "/api/v1/metrics/dora", headers({ accept: "*/*" }))).toBe(false);
  });
});

describe("authorizeScrape", () => {
  const token = "a-metrics-token-of-some-length";
  it("is off (404 naming the setting) without a token, 401 for a wrong or missing one, open for the right one", () => {
    expect(authorizeScrape(`Bearer ${token}`, undefined)).toMatchObject({ status: 404, message: expect.stringContaining("SHIPLOG_METRICS_TOKEN") });
    expect(authorizeScrape(null, token)).toMatchObject({ status: 401, headers: { "WWW-Authenticate": 'Bearer realm="shiplog-metrics"' } });
    expect(authorizeScrape(`Bearer ${token}x`, token)).toMatchObject({ status: 401 });
    expect(authorizeScrape(`Basic ${token}`, token)).toMatchObject({ status: 401 });
    expect(authorizeScrape(`Bearer ${token}`, token)).toBeNull();
    expect(authorizeScrape(`bearer  ${token}`, token)).toBeNull();
  });
});
