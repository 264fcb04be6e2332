// recordApplicationSnapshots (several snapshots, set-based statements) writes exactly what
// recordApplicationSnapshot writes for the same snapshots one at a time, in the same order.
// Streams: four applications of two services in two environments, each syncing a random
// sequence of three versions (so going back to an older one is a rollback), syncs that fail,
// health that degrades and recovers; delivered in order or shuffled, with repeats, and recorded in
// chunks of random sizes (a chunk often holds several snapshots of one application, and late
// observations and out-of-order syncs the set path hands to the one-at-a-time path).
//
// Runs: PROPERTY_RUNS, else 150 on CI and 30 locally; PROPERTY_SEED replays a seed.
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import { recordApplicationSnapshots } from "@/lib/applications/record-application-snapshots";
import type { ApplicationSnapshot } from "@/lib/argocd/application-snapshot";
import { getDb } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { compareDumps } from "../../support/commit-graph/compare-with-oracle";
import { dumpFleet, dumpFleetSummaries } from "../../support/dump-fleet";
import { applicationSnapshot, at, image, minutes, resetFleet, rollout } from "../../support/snapshot-builder";

const runs = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 150 : 30));
const seed = process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {};
const db = getDb();
const t0 = new Date("2026-03-10T09:00:00.000Z");
const HOUR = minutes(60);

const APPLICATIONS = [
  { name: "velero-prod-eu", service: "velero", environment: "prod" },
  { name: "velero-prod-us", service: "velero", environment: "prod" },
  { name: "velero-staging", service: "velero", environment: "staging" },
  { name: "envoy-prod-eu", service: "envoy", environment: "prod" },
];
const VERSIONS = ["v1.13.0", "v1.14.0", "v1.15.0"];

type Sync = { application: number; version: number; hour: number; fails: boolean; health: ("HEALTHY" | "DEGRADED")[] };

const syncs = fc.array(
  fc.record({
    application: fc.nat({ max: APPLICATIONS.length - 1 }),
    version: fc.nat({ max: VERSIONS.length - 1 }),
    hour: fc.nat({ max: 11 }),
    fails: fc.nat({ max: 4 }).map((roll) => roll === 0),
    health: fc.array(fc.constantFrom("HEALTHY" as const, "DEGRADED" as const), { minLength: 1, maxLength: 2 }),
  }),
  { minLength: 1, maxLength: 12 },
);

/** Every snapshot the syncs make Argo CD report, in the order they happened. */
function snapshotsOf(plan: Sync[]): ApplicationSnapshot[] {
  const running = new Map<number, string[]>();
  const ordered = plan
    .map((sync, index) => ({ ...sync, index }))
    // One sync per application and hour: Argo CD runs one operation at a time.
    .filter((sync, _, all) => all.findIndex((other) => other.application === sync.application && other.hour === sync.hour) === sync.index)
    .sort((a, b) => a.hour - b.hour || a.application - b.application);
  return ordered.flatMap((sync) => {
    const application = APPLICATIONS[sync.application]!;
    const images = [image(application.service, VERSIONS[sync.version]!), image("istio-proxy", "1.22.1")];
    const from = running.get(sync.application) ?? [];
    if (!sync.fails) running.set(sync.application, images);
    const app = applicationSnapshot({
      name: application.name,
      uid: `uid-${application.name}`,
      labels: {
        "shiplog.io/service": application.service,
        "shiplog.io/environment": application.environment,
        team: "platform",
        // A monorepo: the config repository is the service's own, so its applications name its paths.
        "shiplog.io/repository": "foo.manifests-velero",
      },
    });
    return rollout({
      // Each its own directory of the config repository: the service's paths are their union.
      app: { name: app.name, uid: app.uid, labels: app.labels, source: { ...app.source, path: `instances/${application.name}` } },
      startedAt: at(t0, sync.hour * HOUR + sync.application * minutes(7)),
      from,
      to: images,
      revision: `rev-${sync.version}-${sync.hour}`,
      historyId: sync.hour + 1,
      health: sync.health,
      fails: sync.fails,
    });
  });
}

const streams = syncs.chain((plan) => {
  const count = snapshotsOf(plan).length;
  return fc.record({
    plan: fc.constant(plan),
    // Half the streams arrive in order (the set path's common case), half shuffled.
    keys: fc.oneof(fc.constant(Array.from({ length: count }, () => 0)), fc.array(fc.nat({ max: 99 }), { minLength: count, maxLength: count })),
    repeats: fc.array(fc.record({ of: fc.nat({ max: count - 1 }), key: fc.nat({ max: 99 }) }), { maxLength: 4 }),
    chunks: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 12 }),
  });
});

function arrivalOrder(snapshots: ApplicationSnapshot[], keys: number[], repeats: { of: number; key: number }[]): ApplicationSnapshot[] {
  const items = [
    ...snapshots.map((snapshot, index) => ({ key: keys[index]!, snapshot })),
    ...repeats.map((repeat) => ({ key: repeat.key, snapshot: snapshots[repeat.of]! })),
  ];
  return items.map((item, rank) => ({ ...item, rank })).sort((a, b) => a.key - b.key || a.rank - b.rank).map((item) => item.snapshot);
}

async function dump() {
  return { ...(await dumpFleet(databaseUrl())), ...(await dumpFleetSummaries(databaseUrl())) };
}

beforeEach(() => resetFleet(db));

describe("recordApplicationSnapshots", () => {
  it("records a rollout of several applications in one call as one call each would", async () => {
    const v1 = [image("velero", "v1.13.0")];
    const v2 = [image("velero", "v1.14.0")];
    const snapshots = APPLICATIONS.slice(0, 3).flatMap((application, index) =>
      rollout({ app: { name: application.name, uid: `uid-${application.name}` }, startedAt: at(t0, index * minutes(3)), from: v1, to: v2, revision: "rev2", historyId: 2 }).slice(1),
    );
    const directory = new FleetDirectory();
    const results = await db.$transaction((tx) => recordApplicationSnapshots(tx, directory, snapshots));
    expect(results.map((result) => result.appliedToApplication)).toEqual(snapshots.map(() => true));
    // Two snapshots of each application's one sync: one deployment each, named in both results.
    expect(new Set(results.map((result) => result.deploymentId)).size).toBe(3);
    const applications = await db.application.findMany({ orderBy: { name: "asc" }, include: { currentRelease: true } });
    expect(applications.map((application) => [application.name, application.healthStatus, application.currentRelease?.version])).toEqual([
      ["velero-prod-eu", "HEALTHY", "v1.14.0"],
      ["velero-prod-us", "HEALTHY", "v1.14.0"],
      ["velero-staging", "HEALTHY", "v1.14.0"],
    ]);
  });

  it(`writes what one call per snapshot writes, for random streams with rollbacks, failures and repeats (${runs} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(streams, async ({ plan, keys, repeats, chunks }) => {
        const order = arrivalOrder(snapshotsOf(plan), keys, repeats);

        await resetFleet(db);
        const alone = new FleetDirectory();
        for (const snapshot of order) await db.$transaction((tx) => recordApplicationSnapshot(tx, alone, snapshot));
        const expected = await dump();

        await resetFleet(db);
        const batched = new FleetDirectory();
        for (let start = 0, chunk = 0; start < order.length; chunk += 1) {
          const size = chunks[chunk % chunks.length]!;
          const slice = order.slice(start, start + size);
          await db.$transaction((tx) => recordApplicationSnapshots(tx, batched, slice), { timeout: 60_000 });
          start += size;
        }
        const problems = compareDumps(expected, await dump());
        if (problems.length > 0) throw new Error(["recorded in chunks, the rows differ from one call per snapshot:", ...problems].join("\n"));
      }),
      { numRuns: runs, ...seed },
    );
  }, 1_800_000);
});
