// GET /metrics over real HTTP against `next start` (issue 13 §4). The path is both the DORA page
// and the Prometheus endpoint: a browser still gets the page (behind sign-in), a scraper gets the
// metrics for SHIPLOG_METRICS_TOKEN only. The suite's shared server has no token (404 naming the
// setting); a server of this file's own has one, runs the inline worker, and its scrape shows the
// webhooks it took in and applied, the queue read from its database and the request timings.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import { signIn } from "../support/sign-in";
import { argocdApplication, argocdBody } from "../support/webhooks";

const sharedUrl = inject("shiplogUrl");
const { argocdToken } = inject("webhookCredentials");
const TOKEN = "metrics-token-http-test-0123456789";
const PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

const cleanups: (() => Promise<void>)[] = [];
let tokenUrl: string;

beforeAll(async () => {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_metrics", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  const server = await startShiplogServer(database.url, { SHIPLOG_METRICS_TOKEN: TOKEN, SHIPLOG_INLINE_WORKER: "true" });
  cleanups.unshift(server.stop);
  tokenUrl = server.url;
}, 120_000);
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const get = (base: string, path: string, headers: Record<string, string> = {}) =>
  fetch(new URL(path, base), { headers, redirect: "manual", signal: AbortSignal.timeout(30_000) });

describe("with no SHIPLOG_METRICS_TOKEN", () => {
  it("answers a scrape 404 naming the setting, with or without a token", async () => {
    const requests: Record<string, string>[] = [{ accept: PROMETHEUS_ACCEPT }, { accept: "*/*", authorization: `Bearer ${TOKEN}` }, { accept: "text/plain" }];
    for (const headers of requests) {
      const response = await get(sharedUrl, "/metrics", headers);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await response.text()).toContain("SHIPLOG_METRICS_TOKEN");
    }
  });

  it("still serves the DORA page at /metrics to a browser: sign-in first, then the page", async () => {
    const anonymous = await get(sharedUrl, "/metrics", { accept: "text/html,application/xhtml+xml" });
    expect(anonymous.status).toBe(307);
    expect(anonymous.headers.get("location")).toMatch(/\/sign-in\?next=/);
    const viewer = await signIn([{ role: "viewer", teamId: null }]);
    const page = await get(sharedUrl, "/metrics", { accept: "text/html,application/xhtml+xml", cookie: viewer.cookie });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain("DORA");
  });
});

describe("with SHIPLOG_METRICS_TOKEN set", () => {
  it("refuses a scrape without the token or with another one: 401, Bearer challenge", async () => {
    const requests: Record<string, string>[] = [{ accept: PROMETHEUS_ACCEPT }, { accept: PROMETHEUS_ACCEPT, authorization: "Bearer not-the-metrics-token-at-all" }];
    for (const headers of requests) {
      const response = await get(tokenUrl, "/metrics", headers);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="shiplog-metrics"');
      const text = await response.text();
      expect(text).toContain("SHIPLOG_METRICS_TOKEN");
      expect(text).not.toContain("shiplog_");
    }
  });

  it("serves the metrics to the token, counting webhooks taken in, applied by the inline worker, and request timings", async () => {
    const body = argocdBody(await argocdApplication(), { event: "on-deployed", instance: "metrics-http" });
    const post = (token: string) =>
      fetch(new URL("/api/webhooks/argocd", tokenUrl), { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
    expect((await post(argocdToken)).status).toBe(202);
    expect((await post(argocdToken)).status).toBe(200);
    expect((await post("wrong-token")).status).toBe(401);

    const scrape = async () => {
      const response = await get(tokenUrl, "/metrics", { accept: PROMETHEUS_ACCEPT, authorization: `Bearer ${TOKEN}` });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      return response.text();
    };
    // The inline worker applies the delivery within a moment of the NOTIFY.
    const APPLIED = /^shiplog_deliveries_applied_total\{source="ARGOCD",result="(PROCESSED|IGNORED)"\} 1$/m;
    let text = await scrape();
    for (let attempt = 0; attempt < 50 && !APPLIED.test(text); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      text = await scrape();
    }
    expect(text).toMatch(APPLIED);
    expect(text).toMatch(/^shiplog_deliveries_received_total\{source="ARGOCD"\} 3$/m);
    expect(text).toMatch(/^shiplog_deliveries_stored_total\{source="ARGOCD",outcome="accepted"\} 1$/m);
    expect(text).toMatch(/^shiplog_deliveries_stored_total\{source="ARGOCD",outcome="duplicate"\} 1$/m);
    expect(text).toMatch(/^shiplog_deliveries_refused_total\{source="ARGOCD",reason="unauthorized"\} 1$/m);
    expect(text).toMatch(/^shiplog_delivery_queue_depth\{source="ARGOCD"\} 0$/m);
    expect(text).toMatch(/^shiplog_rollbacks\{state="EXECUTING"\} 0$/m);
    expect(text).toMatch(/^shiplog_worker_batch_duration_seconds_count [1-9]/m);
    expect(text).toMatch(/^shiplog_http_request_duration_seconds_count\{method="POST",route="\/api\/webhooks\/argocd",status="202"\} 1$/m);
    expect(text).toMatch(/^shiplog_db_pool_connections\{pool="prisma",state="in_use"\} \d+$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    // The registry is one per process, whichever bundle counted: no metric appears twice.
    const helps = text.match(/^# HELP \S+/gm) ?? [];
    expect(new Set(helps).size).toBe(helps.length);
  });
});
