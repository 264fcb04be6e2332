// The worker's set-based path writes exactly what its one-at-a-time path writes. A batch of Argo
// CD notifications is recorded together (lib/applications/record-application-snapshots.ts: one
// read, one statement per table, cut wherever the one-at-a-time order matters); applied alone,
// each delivery runs recordApplicationSnapshot in its own transaction. Random histories
// (tests/support/commit-graph/: commits, pull requests, releases, Argo CD syncs that fail, roll
// back and repeat, GitHub deployments), delivered in a random order with duplicates (the poller's
// copies) and deletions of applications, are applied both ways, and every projected row compares
// equal: the fleet model (tests/support/dump-fleet.ts, ids replaced by natural keys), the fleet
// matrix summary the applications trigger keeps, and the DORA rollups its triggers mark for
// refresh. Batches of 200 take consecutive deliveries, so one batch often holds several of the
// same application, which the set path must cut around.
//
// Runs per property: PROPERTY_RUNS, else 40 on CI and 10 locally; PROPERTY_SEED replays a seed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";
import { refreshDoraRollupsUntilClean } from "@/lib/metrics/refresh-dora-rollups";
import { compareDumps } from "../../../support/commit-graph/compare-with-oracle";
import { deliverInOrder, resetDatabase } from "../../../support/commit-graph/deliver-in-order";
import { type Family, historySteps } from "../../../support/commit-graph/generate-history-steps";
import { type Delivery, duplicateOf, loadFixtures, renderDeliveries } from "../../../support/commit-graph/render-deliveries";
import { buildHistory, describeHistory } from "../../../support/commit-graph/repository-history";
import { dumpFleet, dumpFleetSummaries } from "../../../support/dump-fleet";

const runs = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 40 : 10));
const seed = process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {};
const fixtures = await loadFixtures();
const db = getDb();

/** Applies `order` in batches of `batchSize` on an emptied database; every projected row, and the failures. */
async function deliverAndDump(order: Delivery[], batchSize: number) {
  await resetDatabase();
  const failures = (await deliverInOrder(order, batchSize)).map((failure) => `${failure.summary}: ${failure.status}: ${failure.error}`);
  await refreshDoraRollupsUntilClean(db);
  return { failures, dump: { ...(await dumpFleet(databaseUrl())), ...(await dumpFleetSummaries(databaseUrl())) } };
}

/** Argo CD's on-deleted notification for the application of an Argo CD delivery, a minute after it. */
function deletionOf(delivery: Delivery): Delivery {
  const app = structuredClone(delivery.body.app);
  const observed = new Date(app.status.reconciledAt ?? app.status.operationState?.finishedAt ?? app.status.operationState.startedAt);
  app.metadata.deletionTimestamp = new Date(observed.getTime() + 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    ...delivery,
    event: "on-deleted",
    deliveryId: `${delivery.deliveryId}-deleted`,
    body: { ...delivery.body, event: "on-deleted", app },
    summary: `${delivery.summary} (then deleted)`,
  };
}

const arrivals = (family: Family) =>
  historySteps(family).chain((steps) => {
    const count = renderDeliveries(buildHistory(steps), fixtures).length;
    const position = fc.record({ of: fc.nat({ max: count - 1 }), key: fc.nat({ max: 99 }) });
    return fc.record({
      steps: fc.constant(steps),
      keys: fc.array(fc.nat({ max: 99 }), { minLength: count, maxLength: count }),
      duplicates: fc.array(position, { maxLength: 6 }),
      deletions: fc.array(position, { maxLength: 2 }),
    });
  });

/** The deliveries in arrival order: each by its sort key (ties keep history order), then copies and deletions. */
function arrivalOrder(deliveries: Delivery[], arrival: { keys: number[]; duplicates: { of: number; key: number }[]; deletions: { of: number; key: number }[] }) {
  const argocd = (position: { of: number }) => deliveries[position.of]!.source === "ARGOCD";
  const items = [
    ...deliveries.map((delivery, index) => ({ key: arrival.keys[index]!, delivery })),
    ...arrival.duplicates.map((duplicate) => ({ key: duplicate.key, delivery: duplicateOf(deliveries[duplicate.of]!) })),
    ...arrival.deletions.filter(argocd).map((deletion) => ({ key: deletion.key, delivery: deletionOf(deliveries[deletion.of]!) })),
  ];
  return items.map((item, rank) => ({ ...item, rank })).sort((a, b) => a.key - b.key || a.rank - b.rank).map((item) => item.delivery);
}

describe("batches of Argo CD notifications recorded set-based", () => {
  for (const family of ["merges", "release-branch"] as const) {
    it(`write every row the one-at-a-time path writes (${family} histories, any arrival order, duplicates, deletions)`, async () => {
      await fc.assert(
        fc.asyncProperty(arrivals(family), async (arrival) => {
          const history = buildHistory(arrival.steps);
          const order = arrivalOrder(renderDeliveries(history, fixtures), arrival);
          // Only histories that sync something test the set path.
          fc.pre(order.some((delivery) => delivery.source === "ARGOCD"));
          const alone = await deliverAndDump(order, 1);
          const batched = await deliverAndDump(order, 200);
          const problems = [
            ...alone.failures.map((line) => `one at a time: ${line}`),
            ...batched.failures.map((line) => `in batches: ${line}`),
            ...compareDumps(alone.dump, batched.dump),
          ];
          if (problems.length > 0) {
            const shown = ["arrival order:", ...order.map((delivery, index) => `  ${index + 1}. ${delivery.summary}`)];
            throw new Error(["batches differ from one delivery at a time:", ...problems.slice(0, 30), "", describeHistory(history), ...shown].join("\n"));
          }
          expect(alone.dump.applications!.length).toBeGreaterThan(0);
        }),
        { numRuns: runs, ...seed },
      );
    }, 3_600_000);
  }
});
