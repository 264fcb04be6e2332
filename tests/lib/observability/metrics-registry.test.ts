// What /metrics reports after real work: webhook requests through the real route handlers (real
// payloads, real tokens and signatures), stored by the accept path, applied by the worker, all on
// this file's own database; then the scrape-time gauges read from that database, including a
// scrape whose database read times out.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { routePattern } from "@/lib/http/with-error-handling";
import { closeDeliveryPool } from "@/lib/ingest/accept/delivery-pool";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { collectDatabaseGauges } from "@/lib/observability/collect-database-gauges";
import { metrics } from "@/lib/observability/metrics-registry";
import { renderMetrics } from "@/lib/observability/render-metrics";
import { insertDelivery, quietLog } from "../../support/deliveries";
import { argocdApplication, argocdBody, bearerRequest, githubFixtures, githubRequest, warmDatabase } from "../../support/webhooks";

const ARGOCD_TOKEN = "argocd-token-metrics-test-0001";
vi.stubEnv("ARGOCD_WEBHOOK_TOKENS", ARGOCD_TOKEN);
vi.stubEnv("GITHUB_WEBHOOK_SECRET", "github-secret-new");
vi.stubEnv("BUILD_WEBHOOK_TOKENS", "");
afterAll(() => void vi.unstubAllEnvs());

const argocdRoute = await import("@/app/api/webhooks/argocd/route");
const githubRoute = await import("@/app/api/webhooks/github/route");

/** The current value of one labelled series of a counter or gauge (0 when it has none yet). */
async function valueOf(metric: { get: () => Promise<{ values: { value: number; labels: object; metricName?: string }[] }> }, labels: Record<string, string>, metricName?: string) {
  const { values } = await metric.get();
  const found = values.find(
    (value) =>
      (metricName === undefined || value.metricName === metricName) &&
      Object.entries(labels).every(([key, wanted]) => String((value.labels as Record<string, unknown>)[key]) === wanted),
  );
  return found?.value ?? 0;
}

beforeAll(async () => {
  await warmDatabase();
});
afterAll(async () => {
  await closeDeliveryPool();
});

describe("deliveries, from the webhook routes to the worker", () => {
  it("counts what was received, refused and stored per source, then what the worker applied, in batches", async () => {
    const m = metrics();
    const before = {
      argoReceived: await valueOf(m.deliveriesReceived, { source: "ARGOCD" }),
      argoAccepted: await valueOf(m.deliveriesStored, { source: "ARGOCD", outcome: "accepted" }),
      argoDuplicate: await valueOf(m.deliveriesStored, { source: "ARGOCD", outcome: "duplicate" }),
      argoUnauthorized: await valueOf(m.deliveriesRefused, { source: "ARGOCD", reason: "unauthorized" }),
      githubReceived: await valueOf(m.deliveriesReceived, { source: "GITHUB" }),
      githubAccepted: await valueOf(m.deliveriesStored, { source: "GITHUB", outcome: "accepted" }),
      githubRefused: (await m.deliveriesRefused.get()).values.filter((value) => value.labels.source === "GITHUB").reduce((sum, value) => sum + value.value, 0),
      batches: await valueOf(m.workerBatchDuration, {}, "shiplog_worker_batch_duration_seconds_count"),
      webhookTimings: await valueOf(m.httpRequestDuration, { route: "/api/webhooks/argocd", status: "202" }, "shiplog_http_request_duration_seconds_count"),
    };

    const body = argocdBody(await argocdApplication());
    const call = (request: Request) => argocdRoute.POST(request, undefined);
    expect((await call(bearerRequest("argocd", body, ARGOCD_TOKEN))).status).toBe(202);
    expect((await call(bearerRequest("argocd", body, ARGOCD_TOKEN))).status).toBe(200);
    expect((await call(bearerRequest("argocd", body, "not-the-token"))).status).toBe(401);

    const push = (await githubFixtures()).find((fixture) => fixture.file === "push/with-new-branch.payload.json")!;
    expect((await githubRoute.POST(githubRequest(push.text, { event: "push", delivery: randomUUID() }), undefined)).status).toBe(202);
    const unsigned = await githubRoute.POST(githubRequest(push.text, { event: "push", secret: null }), undefined);
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
    const unsignedCode = ((await unsigned.json()) as { error: { code: string } }).error.code;

    expect(await valueOf(m.deliveriesReceived, { source: "ARGOCD" })).toBe(before.argoReceived + 3);
    expect(await valueOf(m.deliveriesStored, { source: "ARGOCD", outcome: "accepted" })).toBe(before.argoAccepted + 1);
    expect(await valueOf(m.deliveriesStored, { source: "ARGOCD", outcome: "duplicate" })).toBe(before.argoDuplicate + 1);
    expect(await valueOf(m.deliveriesRefused, { source: "ARGOCD", reason: "unauthorized" })).toBe(before.argoUnauthorized + 1);
    expect(await valueOf(m.deliveriesReceived, { source: "GITHUB" })).toBe(before.githubReceived + 2);
    expect(await valueOf(m.deliveriesStored, { source: "GITHUB", outcome: "accepted" })).toBe(before.githubAccepted + 1);
    expect(await valueOf(m.deliveriesRefused, { source: "GITHUB", reason: unsignedCode })).toBeGreaterThanOrEqual(1);
    const githubRefused = (await m.deliveriesRefused.get()).values.filter((value) => value.labels.source === "GITHUB").reduce((sum, value) => sum + value.value, 0);
    expect(githubRefused).toBe(before.githubRefused + 1);
    expect(await valueOf(m.httpRequestDuration, { route: "/api/webhooks/argocd", status: "202" }, "shiplog_http_request_duration_seconds_count")).toBe(before.webhookTimings + 1);

    // Both stored deliveries wait in the queue until the worker runs.
    await collectDatabaseGauges(getDb());
    expect(await valueOf(m.queueDepth, { source: "ARGOCD" })).toBe(1);
    expect(await valueOf(m.queueDepth, { source: "GITHUB" })).toBe(1);
    expect(await valueOf(m.queueDepth, { source: "BUILD" })).toBe(0);

    const appliedBefore = await m.deliveriesApplied.get();
    const summary = await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory(), batchSize: 25 });
    expect(summary.processed + summary.ignored).toBe(2);
    const appliedAfter = await m.deliveriesApplied.get();
    const total = (values: typeof appliedAfter.values) => values.reduce((sum, value) => sum + value.value, 0);
    expect(total(appliedAfter.values) - total(appliedBefore.values)).toBe(2);
    for (const source of ["ARGOCD", "GITHUB"]) {
      const ofSource = (values: typeof appliedAfter.values) => total(values.filter((value) => value.labels.source === source));
      expect(ofSource(appliedAfter.values) - ofSource(appliedBefore.values), source).toBe(1);
    }
    // One slot, both due at once: one batch of two.
    expect(await valueOf(m.workerBatchDuration, {}, "shiplog_worker_batch_duration_seconds_count")).toBe(before.batches + 1);
    expect(await valueOf(m.workerBatchSize, { le: "2" }, "shiplog_worker_batch_size_bucket")).toBeGreaterThanOrEqual(1);

    await collectDatabaseGauges(getDb());
    expect(await valueOf(m.queueDepth, { source: "ARGOCD" })).toBe(0);
    expect(await valueOf(m.queueDepth, { source: "GITHUB" })).toBe(0);
  });

  it("counts quarantined deliveries per source and the applied ones by result", async () => {
    const m = metrics();
    const before = await valueOf(m.deliveriesApplied, { source: "BUILD", result: "QUARANTINED" });
    // A build report without the fields it must have: invalid, so quarantined at once.
    await insertDelivery({ source: "BUILD", event: "build", body: { not: "a build report" } });
    await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
    expect(await valueOf(m.deliveriesApplied, { source: "BUILD", result: "QUARANTINED" })).toBe(before + 1);
    await collectDatabaseGauges(getDb());
    expect(await valueOf(m.deliveriesQuarantined, { source: "BUILD" })).toBe(1);
  });
});

describe("the scrape-time gauges", () => {
  it("report the oldest due delivery's age, not a delivery waiting for its retry", async () => {
    const m = metrics();
    // Received in the past as stored, not moved there by an UPDATE: just after midnight that would
    // move the row to the day before's partition, whose key trigger drops it as a duplicate.
    const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);
    const waiting = await insertDelivery({ source: "GITHUB", event: "push", body: { zen: "waiting" }, receivedAt: ago(600) });
    const due = await insertDelivery({ source: "GITHUB", event: "push", body: { zen: "due" }, receivedAt: ago(90) });
    await getDb().$executeRaw`UPDATE webhook_deliveries SET next_attempt_at = now() + interval '1 hour', status = 'FAILED' WHERE id = ${waiting.id}`;
    await collectDatabaseGauges(getDb());
    expect(await valueOf(m.queueDepth, { source: "GITHUB" })).toBe(2);
    const age = await valueOf(m.queueOldestDueAge, { source: "GITHUB" });
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(120);
    await getDb().webhookDelivery.deleteMany({ where: { id: { in: [waiting.id, due.id] } } });
  });

  it("count rollbacks per state", async () => {
    const db = getDb();
    const application = await db.application.findFirstOrThrow();
    const release = await db.release.create({ data: { serviceId: application.serviceId, version: "metrics-test", firstSeenAt: new Date() } });
    // One active rollback per application (rollbacks_one_active_per_application); finished ones pile up.
    for (const [key, state] of [["m1", "EXECUTING"], ["m2", "FAILED"], ["m3", "FAILED"]] as const) {
      await db.rollback.create({ data: { applicationId: application.id, toReleaseId: release.id, method: "ARGOCD", reason: "metrics test", requestedBy: "alice", idempotencyKey: key, state } });
    }
    await collectDatabaseGauges(db);
    const m = metrics();
    expect(await valueOf(m.rollbacks, { state: "EXECUTING" })).toBe(1);
    expect(await valueOf(m.rollbacks, { state: "FAILED" })).toBe(2);
    expect(await valueOf(m.rollbacks, { state: "SUCCEEDED" })).toBe(0);
  });

  it("keep their last values and count a miss when the database does not answer in time", async () => {
    const m = metrics();
    const depth = await valueOf(m.queueDepth, { source: "GITHUB" });
    const misses = await valueOf(m.databaseGaugesFailures, {});
    const locker = new pg.Client({ connectionString: databaseUrl() });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query("LOCK TABLE rollbacks IN ACCESS EXCLUSIVE MODE");
      const started = Date.now();
      expect(await collectDatabaseGauges(getDb(), { timeoutMs: 300 })).toBe(false);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await locker.query("ROLLBACK");
      await locker.end();
    }
    expect(await valueOf(m.databaseGaugesFailures, {})).toBe(misses + 1);
    expect(await valueOf(m.queueDepth, { source: "GITHUB" })).toBe(depth);
  });
});

describe("the exposition", () => {
  it("holds Node's default metrics, every Shiplog metric and the database pools", async () => {
    const { contentType, text } = await renderMetrics();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      "process_cpu_user_seconds_total",
      "nodejs_eventloop_lag_seconds",
      "shiplog_deliveries_received_total",
      "shiplog_deliveries_refused_total",
      "shiplog_deliveries_stored_total",
      "shiplog_deliveries_applied_total",
      "shiplog_worker_batch_duration_seconds_bucket",
      "shiplog_worker_batch_size_bucket",
      "shiplog_delivery_queue_depth",
      "shiplog_delivery_queue_oldest_due_age_seconds",
      "shiplog_deliveries_quarantined",
      "shiplog_rollbacks",
      "shiplog_http_request_duration_seconds_bucket",
    ]) {
      expect(text, name).toMatch(new RegExp(`^${name}[{ ]`, "m"));
    }
    expect(text).toMatch(/^shiplog_db_pool_connections\{pool="prisma",state="in_use"\} \d+$/m);
    expect(text).toMatch(/^shiplog_db_pool_connections\{pool="accept",state="waiting"\} \d+$/m);
    expect(text).toMatch(/^shiplog_rollbacks\{state="FAILED"\} 2$/m);
  });

  it("has every metric the Grafana dashboard (deploy/grafana/shiplog.json) queries", async () => {
    const { text } = await renderMetrics();
    const dashboard = JSON.parse(await readFile(path.resolve(import.meta.dirname, "../../../deploy/grafana/shiplog.json"), "utf8")) as {
      panels: { targets?: { expr: string }[] }[];
    };
    const queried = new Set(dashboard.panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => target.expr.match(/\b(?:shiplog|process|nodejs)_\w+/g) ?? [])));
    expect(queried.size).toBeGreaterThan(15);
    for (const name of queried) expect(text, name).toMatch(new RegExp(`^${name}[{ ]`, "m"));
  });

  it("labels request timings by route pattern, so ids and names do not make a series each", () => {
    expect(routePattern("/api/v1/services/payments-api", { name: "payments-api" })).toBe("/api/v1/services/[name]");
    expect(routePattern("/api/v1/releases/12/compare/9", { id: "12", otherId: "9" })).toBe("/api/v1/releases/[id]/compare/[otherId]");
    expect(routePattern("/api/v1/services/team%2Fapi", { name: "team/api" })).toBe("/api/v1/services/[name]");
    expect(routePattern("/api/auth/sign-in/email", { all: ["sign-in", "email"] })).toBe("/api/auth/[...all]");
    expect(routePattern("/api/v1/deployments", {})).toBe("/api/v1/deployments");
  });
});
