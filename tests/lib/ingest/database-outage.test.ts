// The database stops in the middle of a stream of Argo CD notifications and comes back. While
// it is down every delivery gets a 503 within 2 seconds (never a hang, never a 2xx for
// something not stored); senders retry; once it is back, the worker catches up and the fleet
// is exactly what the same stream makes without an outage: nothing lost, nothing doubled.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "../../../lib/db/client";
import { type RunningPostgres, startEmbeddedPostgres } from "../../../lib/db/embedded-postgres";
import { migrate } from "../../../lib/db/migrate";
import { databaseUrl, useDatabaseUrl } from "../../../lib/env";
import { closeDeliveryPool } from "../../../lib/ingest/accept/delivery-pool";
import { processPendingDeliveries } from "../../../lib/ingest/queue/worker";
import { captureLogs } from "../../support/capture-logs";
import { dumpFleet } from "../../support/dump-fleet";
import { freePort } from "../../support/postgres-admin";
import { argocdApplication, argocdBody, bearerRequest, warmDatabase } from "../../support/webhooks";

vi.stubEnv("ARGOCD_WEBHOOK_TOKENS", "argocd-token");
const argocd = await import("../../../app/api/webhooks/argocd/route");

type App = Record<string, any>;

/** Three applications, each synced twice (running → succeeded → healthy): 18 notifications. */
async function stream(): Promise<string[]> {
  const base = (await argocdApplication()) as App;
  const bodies: string[] = [];
  for (const cluster of ["eu1", "eu2", "us1"]) {
    for (const [sync, tag] of [[0, "1.0.0"], [1, "1.1.0"]] as const) {
      const started = new Date(Date.UTC(2026, 10, 20, 10 + sync, cluster === "eu1" ? 0 : cluster === "eu2" ? 5 : 10));
      const at = (seconds: number) => new Date(started.getTime() + seconds * 1000).toISOString();
      const state = (phase: string, health: string, images: string[], seconds: number): App => {
        const app = structuredClone(base);
        app.metadata.name = `checkout-api-prod-${cluster}`;
        app.metadata.uid = `uid-${cluster}`;
        app.metadata.labels = { "app.kubernetes.io/part-of": "checkout-api", env: "prod" };
        delete app.status.resources;
        app.spec.destination = { name: `prod-${cluster}`, namespace: "checkout" };
        app.status.summary = { images };
        app.status.health = { status: health, lastTransitionTime: at(seconds) };
        app.status.reconciledAt = at(seconds);
        app.status.sync = { ...app.status.sync, status: phase === "Running" ? "OutOfSync" : "Synced", revision: `cfg${sync}${cluster}` };
        app.status.operationState = {
          ...app.status.operationState,
          phase,
          startedAt: at(0),
          finishedAt: phase === "Running" ? undefined : at(60),
          syncResult: { ...app.status.operationState.syncResult, revision: `cfg${sync}${cluster}` },
        };
        return app;
      };
      const before = sync === 0 ? [] : ["registry.example.com/checkout-api:1.0.0"];
      const after = [`registry.example.com/checkout-api:${tag}`];
      bodies.push(
        argocdBody(state("Running", "Progressing", before, 5), { event: "on-sync-running", instance: "prod" }),
        argocdBody(state("Succeeded", "Progressing", after, 60), { event: "on-sync-succeeded", instance: "prod" }),
        argocdBody(state("Succeeded", "Healthy", after, 120), { event: "on-deployed", instance: "prod" }),
      );
    }
  }
  return bodies;
}

const send = (body: string) => argocd.POST(bearerRequest("argocd", body, "argocd-token"), undefined);

describe("a database outage in the middle of a stream", () => {
  let outage: RunningPostgres;
  let dataDir: string;
  let port: number;
  let controlUrl: string;
  let bodies: string[];

  beforeAll(async () => {
    bodies = await stream();
    // Control: the same stream, no outage, in this file's own database.
    controlUrl = databaseUrl();
    await warmDatabase();
    for (const body of bodies) expect((await send(body)).status).toBe(202);
    await processPendingDeliveries();

    dataDir = await mkdtemp(path.join(tmpdir(), "shiplog-outage-"));
    port = await freePort();
    outage = await startEmbeddedPostgres({ dataDir, port, database: "shiplog" });
    await migrate(outage.url);
    // Both pools follow the switch: Prisma's and the accept path's own.
    await closeDb();
    await closeDeliveryPool();
    useDatabaseUrl(outage.url);
    await warmDatabase();
  });

  afterAll(async () => {
    await closeDb();
    await closeDeliveryPool();
    useDatabaseUrl(controlUrl);
    await outage.stop();
    await rm(dataDir, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });

  it("answers 503 quickly while down, and converges once back", async () => {
    const logs = captureLogs();
    const retry: string[] = [];
    for (const [index, body] of bodies.entries()) {
      if (index === 7) await outage.stop();
      if (index === 13) outage = await startEmbeddedPostgres({ dataDir, port, database: "shiplog" });
      const started = performance.now();
      const response = await send(body);
      expect(performance.now() - started).toBeLessThan(2_000);
      if (index >= 7 && index < 13) {
        expect(response.status).toBe(503);
        retry.push(body);
      } else {
        // Back up: the pool recovers by itself; no restart of Shiplog is needed.
        expect(response.status).toBe(202);
      }
    }
    // Senders retry what failed, and repeat some of what succeeded (Argo CD resends).
    for (const body of retry) expect((await send(body)).status).toBe(202);
    for (const body of bodies.slice(0, 3)) expect((await send(body)).status).toBe(200);
    logs.restore();

    const summary = await processPendingDeliveries();
    expect(summary).toMatchObject({ processed: bodies.length, failed: 0, quarantined: 0 });
    expect(await getDb().webhookDelivery.count()).toBe(bodies.length);
    expect(await getDb().deployment.count()).toBe(6);
    expect(await dumpFleet(outage.url)).toEqual(await dumpFleet(controlUrl));
  });
});
