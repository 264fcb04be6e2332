// `npm run replay -- --rebuild` (rebuildProjections) empties the projections and applies the
// stored deliveries again; the DORA rollups are projections too and come out matching the rows.
import { expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { rebuildProjections } from "@/lib/ingest/replay/replay-deliveries";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { argocdFixture, argocdNotification, insertDelivery, type Json, quietLog } from "../../support/deliveries";

const t0 = Date.parse("2026-03-10T09:00:00Z");
const iso = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();

function syncedApp(real: Json, cluster: string, start: number, phase: "Succeeded" | "Failed"): Json {
  const app = structuredClone(real);
  app.metadata.name = `velero-${cluster}`;
  app.metadata.labels = { ...app.metadata.labels, cluster_name: cluster, team: "sre" };
  app.spec.destination.name = cluster;
  const state = app.status.operationState;
  state.startedAt = iso(start);
  state.finishedAt = iso(start + 60);
  state.phase = phase;
  state.operation.sync.revision = start.toString(16).padStart(40, "a");
  app.status.reconciledAt = iso(start + 120);
  return app;
}

it("leaves DORA rollups that count exactly the rebuilt deployments", async () => {
  const db = getDb();
  const real = await argocdFixture();
  let index = 0;
  for (const cluster of ["alpha", "beta"]) {
    for (const [start, phase] of [[600, "Succeeded"], [3600, "Failed"], [7200, "Succeeded"]] as const) {
      index += 1;
      await insertDelivery({ source: "ARGOCD", event: "on-deployed", deliveryId: `d${index}`, orderingKey: `argocd/${cluster}`, body: argocdNotification(syncedApp(real, cluster, start, phase)) });
    }
  }
  await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory(), concurrency: 1 });
  expect(await db.deployment.count()).toBeGreaterThan(0);

  await rebuildProjections({ log: quietLog() });

  const [counts] = await db.$queryRaw<{ deployments: number; failures: number; rolled: number; rolledFailures: number; marks: number }[]>`
    SELECT (SELECT count(*)::int FROM deployments) AS deployments,
           (SELECT count(*)::int FROM deployments WHERE status IN ('FAILED', 'DEGRADED', 'ROLLED_BACK')) AS failures,
           (SELECT coalesce(sum(deployments), 0)::int FROM dora_daily_rollups) AS rolled,
           (SELECT coalesce(sum(failures), 0)::int FROM dora_daily_rollups) AS "rolledFailures",
           (SELECT count(*)::int FROM dora_dirty_marks) AS marks`;
  expect(counts!.deployments).toBeGreaterThan(0);
  expect(counts!.failures).toBeGreaterThan(0);
  expect(counts).toEqual({ deployments: counts!.deployments, failures: counts!.failures, rolled: counts!.deployments, rolledFailures: counts!.failures, marks: 0 });
});
