// The worker's listener: /healthz for liveness, /metrics for the bearer token only (404 naming
// the setting when none is configured), over a real socket. The last test runs `npm run worker`
// as an operator would, with SHIPLOG_WORKER_METRICS_PORT, and scrapes it while it applies a delivery.
import { spawn } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { databaseUrl } from "@/lib/env";
import { freePortOnLoopback } from "@/lib/ops/free-port";
import { serveWorkerMetrics } from "@/lib/observability/serve-worker-metrics";
import { commandNodeArgs } from "../../../scripts/bundle-commands";
import { insertDelivery } from "../../support/deliveries";

const TOKEN = "worker-metrics-token-0123456789";
const root = path.resolve(import.meta.dirname, "../../..");
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

describe("serveWorkerMetrics", () => {
  it("answers /healthz to anyone and /metrics to the token only", async () => {
    const server = await serveWorkerMetrics({ port: 0, host: "127.0.0.1", token: TOKEN });
    closers.push(server.close);
    const url = `http://127.0.0.1:${server.port}`;

    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, "ok\n"]);

    const anonymous = await fetch(`${url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await anonymous.text()).toContain("SHIPLOG_METRICS_TOKEN");
    expect((await fetch(`${url}/metrics`, { headers: { Authorization: "Bearer wrong-token-wrong-token" } })).status).toBe(401);

    const scraped = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scraped.text();
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    expect(text).toMatch(/^shiplog_delivery_queue_depth\{source="GITHUB"\} \d+$/m);

    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
  });

  it("answers 404 naming the setting when no token is configured", async () => {
    const server = await serveWorkerMetrics({ port: 0, host: "127.0.0.1", token: undefined });
    closers.push(server.close);
    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("set SHIPLOG_METRICS_TOKEN");
  });
});

describe("npm run worker with SHIPLOG_WORKER_METRICS_PORT", () => {
  it("serves /healthz and /metrics, counting the deliveries it applied", { timeout: 60_000 }, async () => {
    const port = await freePortOnLoopback();
    // As `npm run worker` runs it: the bundle, with plain node.
    const child = spawn(process.execPath, [...(await commandNodeArgs("worker")), "--concurrency", "1"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl(), SHIPLOG_WORKER_METRICS_PORT: String(port), SHIPLOG_METRICS_TOKEN: TOKEN, ARGOCD_INSTANCES: "", LOG_LEVEL: "warn", LOG_FORMAT: "json" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    closers.push(async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    });
    const url = `http://127.0.0.1:${port}`;

    await until(async () => (await fetch(`${url}/healthz`)).status === 200, () => output);
    await insertDelivery({ source: "BUILD", event: "build", body: { not: "a build report" } });
    const scrape = async () => (await (await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text());
    await until(async () => /^shiplog_deliveries_applied_total\{source="BUILD",result="QUARANTINED"\} 1$/m.test(await scrape()), () => output);
    const text = await scrape();
    expect(text).toMatch(/^shiplog_worker_batch_duration_seconds_count 1$/m);
    expect(text).toMatch(/^shiplog_deliveries_quarantined\{source="BUILD"\} 1$/m);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

async function until(check: () => Promise<boolean>, output: () => string, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`timed out; the worker wrote:\n${output()}`);
    await sleep(200);
  }
}
