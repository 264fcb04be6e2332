// Rollouts on a real database against counts worked out by hand, for a hand-built fleet: one
// service (checkout) with one application per cluster in dev (1), staging (2, two regions) and
// prod (5, two regions, plus a removed application), its release 1.1.0 on its way through all
// three, 1.0.0 before it (and a rollback to it), and another service (search) whose single prod
// application deploys between checkout's prod deployments, so a page boundary falls inside
// checkout's prod rollout. Then the property the timeline relies on: whatever the page size and
// however many pages are loaded, the rollout rows are the same (runs: PROPERTY_RUNS, else 40 on
// CI and 10 locally; PROPERTY_SEED replays a seed).
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../../lib/db/client";
import { listDeploymentsQuery } from "../../../lib/deployments/list-deployments";
import type { TimelineRollout } from "../../../lib/deployments/timeline-deployment";
import { toTimelinePage } from "../../../lib/deployments/timeline-deployment";
import { AppError } from "../../../lib/http/app-error";
import { getImageRollout } from "../../../lib/rollouts/get-image-rollout";
import { getReleaseRollout } from "../../../lib/rollouts/get-release-rollout";
import { groupTimelineRollouts, rolloutKey, type TimelineEntry } from "../../../lib/rollouts/group-timeline-rollouts";
import { listTimelinePage } from "../../../lib/rollouts/list-timeline-page";
import type { RolloutCounts } from "../../../lib/rollouts/rollout-counts";

const runs = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 40 : 10));
const seed = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);

const t0 = new Date("2026-11-02T09:00:00Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const ENVOY = "registry.acme.dev/platform/envoy";

let r1: number;
let r2: number;
/** Deployment ids by label. */
const d = new Map<string, number>();
function dep(label: string): number {
  const id = d.get(label);
  if (id === undefined) throw new Error(`no deployment labelled ${label}`);
  return id;
}

beforeAll(async () => {
  const db = getDb();
  const team = await db.team.create({ data: { slug: "shop", name: "Shop" } });
  const checkout = await db.service.create({ data: { name: "checkout", teamId: team.id } });
  const search = await db.service.create({ data: { name: "search", teamId: team.id } });
  const env = async (name: string, rank: number) => db.environment.upsert({ where: { name }, create: { name, rank, isProduction: name === "prod" }, update: { rank } });
  const [dev, staging, prod] = [await env("dev", 10), await env("staging", 20), await env("prod", 30)];
  const instance = await db.argoInstance.create({ data: { name: "argocd" } });
  const clusters: Record<string, number> = {};
  for (const [name, region] of [
    ["dev-a", "eu-west-1"], ["staging-a", "eu-west-1"], ["staging-b", "us-east-1"],
    ["prod-eu-1", "eu-west-1"], ["prod-eu-2", "eu-west-1"], ["prod-us-1", "us-east-1"], ["prod-us-2", "us-east-1"], ["prod-us-3", "us-east-1"],
  ] as const) {
    clusters[name] = (await db.cluster.create({ data: { argoInstanceId: instance.id, name, server: `https://${name}.example`, region } })).id;
  }
  r1 = (await db.release.create({ data: { serviceId: checkout.id, version: "1.0.0", firstSeenAt: at(-400) } })).id;
  r2 = (await db.release.create({ data: { serviceId: checkout.id, version: "1.1.0", firstSeenAt: at(-10) } })).id;
  const s1 = (await db.release.create({ data: { serviceId: search.id, version: "7.0.0", firstSeenAt: at(-500) } })).id;

  type AppSpec = { name: string; service: number; env: number; cluster: string; current: number; health?: "HEALTHY" | "DEGRADED"; images: string[]; deleted?: boolean };
  const apps: Record<string, { id: number; env: number; cluster: number; service: number }> = {};
  const specs: AppSpec[] = [
    { name: "checkout-dev-a", service: checkout.id, env: dev.id, cluster: "dev-a", current: r2, images: ["registry/checkout:1.1.0", `${ENVOY}:1.31.2`] },
    { name: "checkout-staging-a", service: checkout.id, env: staging.id, cluster: "staging-a", current: r2, images: ["registry/checkout:1.1.0", `${ENVOY}:1.31.2`] },
    { name: "checkout-staging-b", service: checkout.id, env: staging.id, cluster: "staging-b", current: r2, health: "DEGRADED", images: ["registry/checkout:1.1.0", `${ENVOY}:1.30.2`] },
    { name: "checkout-prod-eu-1", service: checkout.id, env: prod.id, cluster: "prod-eu-1", current: r2, images: ["registry/checkout:1.1.0", `${ENVOY}:1.31.2`] },
    { name: "checkout-prod-eu-2", service: checkout.id, env: prod.id, cluster: "prod-eu-2", current: r1, images: ["registry/checkout:1.0.0", `${ENVOY}:1.30.2`] },
    // A look-alike repository that must not count as envoy.
    { name: "checkout-prod-us-1", service: checkout.id, env: prod.id, cluster: "prod-us-1", current: r1, images: ["registry/checkout:1.0.0", `${ENVOY}-proxy:1.31.2`] },
    { name: "checkout-prod-us-2", service: checkout.id, env: prod.id, cluster: "prod-us-2", current: r1, images: ["registry/checkout:1.0.0", `${ENVOY}:1.30.2`] },
    { name: "checkout-prod-us-3", service: checkout.id, env: prod.id, cluster: "prod-us-3", current: r1, images: ["registry/checkout:1.0.0", `${ENVOY}@sha256:${"a".repeat(64)}`] },
    { name: "checkout-prod-us-3-old", service: checkout.id, env: prod.id, cluster: "prod-us-3", current: r1, images: [`${ENVOY}:1.31.2`], deleted: true },
    { name: "search-prod-eu-1", service: search.id, env: prod.id, cluster: "prod-eu-1", current: s1, health: "DEGRADED", images: ["registry/search:7.0.0", `${ENVOY}:1.31.2`] },
  ];
  for (const spec of specs) {
    const app = await db.application.create({
      data: {
        argoInstanceId: instance.id, namespace: "argocd", name: spec.name, serviceId: spec.service, environmentId: spec.env, clusterId: clusters[spec.cluster]!,
        currentReleaseId: spec.current, healthStatus: spec.health ?? "HEALTHY", syncStatus: "SYNCED", images: spec.images, deletedAt: spec.deleted ? at(-100) : null,
      },
    });
    apps[spec.name] = { id: app.id, env: spec.env, cluster: clusters[spec.cluster]!, service: spec.service };
  }

  const deploy = async (label: string, app: string, release: number, start: number, status: "SUCCEEDED" | "FAILED" | "DEGRADED" | "RUNNING", extra: { isRollback?: boolean } = {}) => {
    const a = apps[app]!;
    const row = await db.deployment.create({
      data: {
        applicationId: a.id, serviceId: a.service, teamId: team.id, environmentId: a.env, clusterId: a.cluster, releaseId: release, operationKey: `${label}`,
        observedAt: at(start), startedAt: at(start), finishedAt: status === "RUNNING" ? null : at(start + 2), status,
        phase: status === "RUNNING" ? "RUNNING" : status === "FAILED" ? "FAILED" : "SUCCEEDED", ...extra,
      },
    });
    d.set(label, row.id);
  };
  // 1.0.0 everywhere, long ago.
  await deploy("r1-dev", "checkout-dev-a", r1, -300, "SUCCEEDED");
  await deploy("r1-staging-a", "checkout-staging-a", r1, -250, "SUCCEEDED");
  await deploy("r1-staging-b", "checkout-staging-b", r1, -249, "SUCCEEDED");
  for (const [index, app] of ["checkout-prod-eu-1", "checkout-prod-eu-2", "checkout-prod-us-1", "checkout-prod-us-2", "checkout-prod-us-3", "checkout-prod-us-3-old"].entries()) {
    await deploy(`r1-${app}`, app, r1, -200 + index, "SUCCEEDED");
  }
  // 1.1.0: dev, staging, then prod wave by wave, with search deploying in between.
  await deploy("r2-dev", "checkout-dev-a", r2, 0, "SUCCEEDED");
  await deploy("r2-staging-a", "checkout-staging-a", r2, 60, "SUCCEEDED");
  await deploy("r2-staging-b", "checkout-staging-b", r2, 62, "SUCCEEDED");
  await deploy("r2-eu-1", "checkout-prod-eu-1", r2, 120, "SUCCEEDED");
  await deploy("s1-a", "search-prod-eu-1", s1, 123, "SUCCEEDED");
  await deploy("r2-eu-2", "checkout-prod-eu-2", r2, 125, "FAILED");
  await deploy("s1-b", "search-prod-eu-1", s1, 127, "SUCCEEDED");
  await deploy("r2-us-1", "checkout-prod-us-1", r2, 130, "DEGRADED");
  await deploy("s1-c", "search-prod-eu-1", s1, 135, "SUCCEEDED");
  await deploy("r1-us-1-rollback", "checkout-prod-us-1", r1, 140, "SUCCEEDED", { isRollback: true });
  await deploy("r2-us-2", "checkout-prod-us-2", r2, 150, "RUNNING");
});

const counts = (values: Partial<RolloutCounts>): RolloutCounts => ({
  applications: 0, clusters: 0, running: 0, healthy: 0, degraded: 0, progressing: 0, failed: 0, movedOn: 0, notYetReached: 0, ...values,
});

// Worked out by hand from the fleet above.
const expected = {
  r2Prod: counts({ applications: 5, clusters: 5, running: 1, healthy: 1, progressing: 1, failed: 1, movedOn: 1, notYetReached: 1 }),
  r2Staging: counts({ applications: 2, clusters: 2, running: 2, healthy: 1, degraded: 1 }),
  r2Dev: counts({ applications: 1, clusters: 1, running: 1, healthy: 1 }),
  // The removed application ran it and runs nothing now: moved on, like prod-eu-1 (now on 1.1.0).
  r1Prod: counts({ applications: 6, clusters: 5, running: 4, healthy: 4, movedOn: 2 }),
  r1Staging: counts({ applications: 2, clusters: 2, movedOn: 2 }),
};

async function loadTimeline(limit: number, pages = Number.POSITIVE_INFINITY) {
  const loaded = [];
  let cursor: string | undefined;
  do {
    const options = listDeploymentsQuery.parse({ limit: String(limit), ...(cursor ? { cursor } : {}) });
    const page = toTimelinePage(await listTimelinePage(options));
    loaded.push(page);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && loaded.length < pages);
  const rollouts = new Map<string, TimelineRollout>();
  for (const page of loaded) for (const rollout of page.rollouts) rollouts.set(rolloutKey(rollout.release.id, rollout.environment), rollout);
  const items = loaded.flatMap((page) => page.items);
  return { items, rollouts, entries: groupTimelineRollouts(items, rollouts), complete: cursor === undefined };
}

/** An entry as compared: a plain row by its id, a rollout row by its key, counts and members. */
type Shape = { row: number } | { rollout: string; counts: RolloutCounts; members: number[] };
const shape = (entry: TimelineEntry): Shape =>
  entry.kind === "deployment" ? { row: entry.deployment.id } : { rollout: entry.key, counts: entry.rollout.counts, members: entry.deployments.map((member) => member.id) };

describe("rollout counts from the database", () => {
  it("gives the timeline one row per release and environment, with the hand-counted numbers, on a page that ends inside a rollout", async () => {
    const firstPage = await loadTimeline(3, 1);
    // 150 (1.1.0 prod), 140 (1.0.0 prod rollback), 135 (search): the prod rollout's other three deployments are on later pages.
    expect(firstPage.items.map((item) => item.id)).toEqual([dep("r2-us-2"), dep("r1-us-1-rollback"), dep("s1-c")]);
    expect(firstPage.entries.map(shape)).toEqual([
      { rollout: `${r2}:prod`, counts: expected.r2Prod, members: [dep("r2-us-2")] },
      { rollout: `${r1}:prod`, counts: expected.r1Prod, members: [dep("r1-us-1-rollback")] },
      { row: dep("s1-c") },
    ]);
    const rollout = firstPage.rollouts.get(`${r2}:prod`)!;
    expect(rollout.startedAt).toBe(at(120).toISOString());
    expect(rollout.finishedAt).toBeNull();

    const all = await loadTimeline(200);
    expect(all.entries.map(shape)).toEqual([
      { rollout: `${r2}:prod`, counts: expected.r2Prod, members: [dep("r2-us-2"), dep("r2-us-1"), dep("r2-eu-2"), dep("r2-eu-1")] },
      {
        rollout: `${r1}:prod`,
        counts: expected.r1Prod,
        members: [dep("r1-us-1-rollback"), dep("r1-checkout-prod-us-3-old"), dep("r1-checkout-prod-us-3"), dep("r1-checkout-prod-us-2"), dep("r1-checkout-prod-us-1"), dep("r1-checkout-prod-eu-2"), dep("r1-checkout-prod-eu-1")],
      },
      { row: dep("s1-c") },
      { row: dep("s1-b") },
      { row: dep("s1-a") },
      // Staging is its own rollout, not merged with prod's.
      { rollout: `${r2}:staging`, counts: expected.r2Staging, members: [dep("r2-staging-b"), dep("r2-staging-a")] },
      // Dev has one application: a plain row.
      { row: dep("r2-dev") },
      { rollout: `${r1}:staging`, counts: expected.r1Staging, members: [dep("r1-staging-b"), dep("r1-staging-a")] },
      { row: dep("r1-dev") },
    ]);
    const staging = all.rollouts.get(`${r2}:staging`)!;
    expect([staging.startedAt, staging.finishedAt]).toEqual([at(60).toISOString(), at(64).toISOString()]);
    expect(all.rollouts.get(`${r2}:dev`)!.counts).toEqual(expected.r2Dev);
  });

  it("gives the same rollout rows whatever the page size and however many pages are loaded", async () => {
    const full = (await loadTimeline(200)).entries.map(shape);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 25 }), async (limit, pages) => {
        const partial = await loadTimeline(limit, pages);
        const loaded = new Set(partial.items.map((item) => item.id));
        // The full timeline's rows, cut to the deployments loaded: rows keep their place, counts and kind.
        const cut = full
          .map((entry): Shape => ("row" in entry ? entry : { ...entry, members: entry.members.filter((id) => loaded.has(id)) }))
          .filter((entry) => ("row" in entry ? loaded.has(entry.row) : entry.members.length > 0));
        expect(partial.entries.map(shape)).toEqual(cut);
        if (partial.complete) expect(partial.entries.map(shape)).toEqual(full);
      }),
      { numRuns: runs, seed },
    );
  });

  it("breaks a release's rollout down per environment, region and wave, in the order it reached them", async () => {
    const rollout = (await getReleaseRollout(r2))!;
    expect(rollout.environmentNames).toEqual(["dev", "staging", "prod"]);
    expect(rollout.counts).toEqual(counts({ applications: 8, clusters: 8, running: 4, healthy: 3, degraded: 1, progressing: 1, failed: 1, movedOn: 1, notYetReached: 1 }));
    expect(rollout.environments.map((environment) => [environment.name, environment.counts])).toEqual([
      ["dev", expected.r2Dev],
      ["staging", expected.r2Staging],
      ["prod", expected.r2Prod],
    ]);
    const prod = rollout.environments[2]!;
    expect(prod.regions.map((region) => [region.region, region.firstReachedAt, region.waves.map((wave) => [wave.cluster, wave.firstReachedAt])])).toEqual([
      ["eu-west-1", at(120), [["prod-eu-1", at(120)], ["prod-eu-2", at(125)]]],
      ["us-east-1", at(130), [["prod-us-1", at(130)], ["prod-us-2", at(150)], ["prod-us-3", null]]],
    ]);
    expect(prod.regions[1]!.counts).toEqual(counts({ applications: 3, clusters: 3, progressing: 1, movedOn: 1, notYetReached: 1 }));
    expect(prod.regions[1]!.waves[1]!.counts).toEqual(counts({ applications: 1, clusters: 1, progressing: 1 }));
    expect(prod.regions[0]!.waves[1]!.counts).toEqual(counts({ applications: 1, clusters: 1, failed: 1 }));

    const onlyProd = (await getReleaseRollout(r2, { environment: "prod" }))!;
    expect(onlyProd.environments.map((environment) => environment.name)).toEqual(["prod"]);
    expect(onlyProd.counts).toEqual(expected.r2Prod);
    expect(onlyProd.environmentNames).toEqual(["dev", "staging", "prod"]);
  });

  it("answers null for an unknown release and a 404 for an unknown environment", async () => {
    expect(await getReleaseRollout(2_000_000_000)).toBeNull();
    await expect(getReleaseRollout(r2, { environment: "qa" })).rejects.toSatisfy((error) => error instanceof AppError && error.status === 404);
    await expect(getImageRollout({ ref: `${ENVOY}:1.31.2`, environment: "qa" })).rejects.toSatisfy((error) => error instanceof AppError && error.status === 404);
  });

  it("counts an image tag across services: any tag of the repository is in scope, a look-alike repository and removed applications are not", async () => {
    const rollout = await getImageRollout({ ref: `${ENVOY}:1.31.2` });
    expect(rollout.image).toEqual({ ref: `${ENVOY}:1.31.2`, repository: ENVOY, services: 2, servicesRunning: 2 });
    expect(rollout.counts).toEqual(counts({ applications: 8, clusters: 7, running: 4, healthy: 3, degraded: 1, notYetReached: 4 }));
    const prod = rollout.environments.find((environment) => environment.name === "prod")!;
    expect(prod.counts).toEqual(counts({ applications: 5, clusters: 4, running: 2, healthy: 1, degraded: 1, notYetReached: 3 }));
    const euWave = prod.regions.find((region) => region.region === "eu-west-1")!.waves.find((wave) => wave.cluster === "prod-eu-1")!;
    expect(euWave.counts).toEqual(counts({ applications: 2, clusters: 1, running: 2, healthy: 1, degraded: 1 }));

    const onlyProd = await getImageRollout({ ref: `${ENVOY}:1.31.2`, environment: "prod" });
    expect(onlyProd.counts).toEqual(prod.counts);
    expect(onlyProd.image.services).toBe(2);

    const byDigest = await getImageRollout({ ref: `${ENVOY}@sha256:${"a".repeat(64)}` });
    expect(byDigest.counts).toMatchObject({ applications: 8, running: 1, notYetReached: 7 });
    expect((await getImageRollout({ ref: "registry.acme.dev/platform/nothing:1" })).counts).toEqual(counts({}));
  });
});
