// Tracking through the real path: Argo CD notifications stored as deliveries and processed by
// the ingestion worker (lib/ingest/handlers/argocd-event.ts), whose handler moves a waiting
// rollback on after recording the snapshot. The Application objects are the real fixture
// (tests/fixtures/argocd/application-real.yaml) varied into each step of a sync.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ArgoCdClient } from "@/lib/argocd/argocd-client";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { executeRollback } from "@/lib/rollback/execute-rollback";
import { requestRollback } from "@/lib/rollback/request-rollback";
import type { RollbackDependencies } from "@/lib/rollback/rollback-dependencies";
import { argocdFixture, argocdNotification, insertDelivery, quietLog, resetAll } from "../../support/deliveries";
import { type FakeArgoCd, startFakeArgoCd } from "../../support/fake-argocd";
import { applicationAtSyncStep, type Sync, SYNC_STEP_EVENTS, type SyncStep } from "../../support/rollback-sync";

const db = getDb();
const real = await argocdFixture();
const t0 = new Date("2026-11-01T08:00:00Z");
const clock = new Date("2026-11-01T10:00:00Z");
let argo: FakeArgoCd;

async function deliver(sync: Sync, steps: SyncStep[]) {
  for (const step of steps) {
    const body = argocdNotification(applicationAtSyncStep(real, sync, step), SYNC_STEP_EVENTS[step], "argocd");
    await insertDelivery({ source: "ARGOCD", event: body.event, body });
  }
  return processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory(), concurrency: 1 });
}

function deps(): RollbackDependencies {
  return {
    settings: { approval: "none", autoMerge: false, timeoutMs: 30 * 60_000 },
    argoInstances: ["argocd"],
    argocd: (name) => new ArgoCdClient({ name, url: argo.url, token: argo.token }, 2_000),
    github: null,
    rollbackUrl: () => null,
    now: () => clock,
  };
}

beforeAll(async () => {
  argo = await startFakeArgoCd();
});
afterAll(() => argo.close());
beforeEach(async () => {
  await resetAll();
  argo.rollbacks.length = 0;
});

/** v1.13.0 healthy, then v1.14.0 degraded; a rollback to v1.13.0 requested and executed. */
async function rollbackStarted() {
  await deliver({ fromTag: "v1.12.0", tag: "v1.13.0", historyId: 30, startedAt: t0 }, ["running", "succeeded", "healthy"]);
  await deliver({ fromTag: "v1.13.0", tag: "v1.14.0", historyId: 31, startedAt: new Date(t0.getTime() + 3600_000) }, ["running", "succeeded", "degraded"]);
  const app = await db.application.findFirstOrThrow({ include: { currentRelease: true } });
  expect(app.currentRelease?.version).toBe("v1.14.0");
  argo.applications.set(app.name, { metadata: { name: app.name, namespace: app.namespace }, spec: {}, status: { history: [{ id: 30 }, { id: 31 }] } });
  const target = await db.release.findFirstOrThrow({ where: { version: "v1.13.0" } });
  const { rollbackIds } = await requestRollback(
    db,
    { scope: { kind: "application", applicationId: app.id }, targetReleaseId: target.id, reason: "v1.14.0 degraded", idempotencyKey: "events-key-1" },
    { actor: "sre@acme.dev" },
    deps(),
  );
  await executeRollback(db, rollbackIds[0]!, { actor: "sre@acme.dev" }, deps());
  expect(argo.rollbacks.map((call) => [call.id, call.dryRun])).toEqual([[30, true], [30, false]]);
  return { app, rollbackId: rollbackIds[0]!, target };
}

describe("a rollback followed through Argo CD's notifications", () => {
  it("the sync back to v1.13.0 turns healthy → succeeded; the deployment is a rollback of the degraded one", async () => {
    const { app, rollbackId, target } = await rollbackStarted();
    const sync = { fromTag: "v1.14.0", tag: "v1.13.0", historyId: 32, startedAt: new Date(clock.getTime() + 5_000) };
    expect(await deliver(sync, ["running", "succeeded"])).toMatchObject({ processed: 2, failed: 0 });
    expect(await db.rollback.findUniqueOrThrow({ where: { id: rollbackId } })).toMatchObject({ state: "WAITING_FOR_SYNC" });
    await deliver(sync, ["healthy"]);
    const rollback = await db.rollback.findUniqueOrThrow({ where: { id: rollbackId } });
    const deployments = await db.deployment.findMany({ where: { applicationId: app.id }, orderBy: { startedAt: "asc" } });
    expect(rollback).toMatchObject({ state: "SUCCEEDED", resultDeploymentId: deployments.at(-1)!.id });
    expect(deployments.at(-1)).toMatchObject({ releaseId: target.id, isRollback: true, argoHistoryId: 32 });
    expect(deployments.at(-2)).toMatchObject({ rolledBackById: deployments.at(-1)!.id });
  });

  it("the sync back fails → the rollback fails with Argo CD's message", async () => {
    const { rollbackId } = await rollbackStarted();
    await deliver({ fromTag: "v1.14.0", tag: "v1.13.0", historyId: 32, startedAt: new Date(clock.getTime() + 5_000), failed: true }, ["running", "succeeded"]);
    expect(await db.rollback.findUniqueOrThrow({ where: { id: rollbackId } })).toMatchObject({
      state: "FAILED",
      error: expect.stringMatching(/^Argo CD's sync of velero-test failed: one or more objects failed to apply/),
    });
  });
});
