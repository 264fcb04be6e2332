// The meaning of the DORA numbers on a fleet small enough to work out by hand: which deployment
// brings a release's commits to production, where lead time starts, and how a run of failures
// becomes one incident restored by the next succeeded deployment.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { computeDoraDaysFromRaw } from "@/lib/metrics/compute-dora-from-raw";
import { DEFAULT_DORA_DEFINITIONS } from "@/lib/metrics/dora-definitions";
import { resolveDoraWindow } from "@/lib/metrics/dora-window";
import { listDoraDays } from "@/lib/metrics/list-dora-days";
import { listDoraIncidents } from "@/lib/metrics/list-dora-incidents";
import { listLeadTimeCommits } from "@/lib/metrics/list-lead-time-commits";
import { rebuildDoraRollups } from "@/lib/metrics/rebuild-dora-rollups";

const T0 = Date.parse("2026-05-10T08:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const HOUR = 60;
const window = resolveDoraWindow({ from: new Date("2026-05-10T00:00:00Z"), to: new Date("2026-05-11T00:00:00Z") });
const fleet = { teamId: null, serviceId: null };

beforeAll(async () => {
  const db = getDb();
  const prod = await db.environment.create({ data: { name: "prod", rank: 30, isProduction: true } });
  const staging = await db.environment.create({ data: { name: "staging", rank: 20 } });
  const argo = await db.argoInstance.create({ data: { name: "argo" } });
  const [a, b] = await Promise.all(["a", "b"].map((name) => db.cluster.create({ data: { argoInstanceId: argo.id, name, server: `https://${name}` } })));
  const service = await db.service.create({ data: { name: "checkout", repository: "acme/checkout" } });
  const app = (environmentId: number, clusterId: number, name: string) =>
    db.application.create({ data: { argoInstanceId: argo.id, namespace: "argocd", name, serviceId: service.id, environmentId, clusterId } });
  const prodA = await app(prod.id, a!.id, "checkout-prod-a");
  const prodB = await app(prod.id, b!.id, "checkout-prod-b");
  const stagingA = await app(staging.id, a!.id, "checkout-staging");
  const releases = await Promise.all(
    ["v1", "v2", "v3", "v4"].map((version, index) => db.release.create({ data: { serviceId: service.id, version, firstSeenAt: at(index * HOUR) } })),
  );
  const c1 = await db.commit.create({ data: { repository: "acme/checkout", sha: "a".repeat(40), message: "one", committedAt: at(0) } });
  const c2 = await db.commit.create({ data: { repository: "acme/checkout", sha: "b".repeat(40), message: "two", committedAt: at(HOUR) } });
  await db.releaseCommit.createMany({ data: [{ releaseId: releases[0]!.id, commitId: c1.id }, { releaseId: releases[0]!.id, commitId: c2.id }] });
  const pr = await db.pullRequest.create({ data: { repository: "acme/checkout", number: 1, title: "two", state: "MERGED", openedAt: at(HOUR), mergedAt: at(2 * HOUR) } });
  await db.pullRequestCommit.create({ data: { pullRequestId: pr.id, commitId: c2.id } });

  let key = 0;
  const deploy = (application: { id: number; environmentId: number; clusterId: number }, releaseId: number, startedAt: Date, facts: object) =>
    db.deployment.create({
      data: { applicationId: application.id, serviceId: service.id, environmentId: application.environmentId, clusterId: application.clusterId, releaseId, operationKey: `op${++key}`, observedAt: startedAt, startedAt, ...facts },
    });
  // v1: staging first (no lead time), then production a (the first: lead time), then b.
  await deploy(stagingA, releases[0]!.id, at(3 * HOUR), { phase: "SUCCEEDED", status: "SUCCEEDED", finishedAt: at(3 * HOUR + 5) });
  await deploy(prodA, releases[0]!.id, at(4 * HOUR), { phase: "SUCCEEDED", status: "SUCCEEDED", finishedAt: at(4 * HOUR + 10) });
  await deploy(prodB, releases[0]!.id, at(5 * HOUR), { phase: "SUCCEEDED", status: "SUCCEEDED", finishedAt: at(5 * HOUR + 10) });
  // On a: v2 fails, v3 degrades (the same incident), v4 restores it.
  await deploy(prodA, releases[1]!.id, at(6 * HOUR), { phase: "FAILED", status: "FAILED", finishedAt: at(6 * HOUR + 5) });
  await deploy(prodA, releases[2]!.id, at(7 * HOUR), { phase: "SUCCEEDED", status: "DEGRADED", finishedAt: at(7 * HOUR + 5), degradedAt: at(7 * HOUR + 8) });
  await deploy(prodA, releases[3]!.id, at(8 * HOUR), { phase: "SUCCEEDED", status: "SUCCEEDED", finishedAt: at(8 * HOUR + 5), healthyAt: at(8 * HOUR + 10) });
  await rebuildDoraRollups();
});

describe("DORA on a fleet worked out by hand", () => {
  it("counts production deployments and failures; lead time from commit time to the first production sync; one incident", async () => {
    const expected = [
      {
        day: "2026-05-10",
        deployments: 5,
        failures: 2,
        leadCount: 2,
        // c1: 08:00 → 12:10 (4 h 10 min); c2: 09:00 → 12:10 (3 h 10 min)
        leadSeconds: (250 + 190) * 60,
        restoreCount: 1,
        // failed at 14:05 (finished), restored at 16:10 (healthy)
        restoreSeconds: 125 * 60,
      },
    ];
    expect(await computeDoraDaysFromRaw(fleet, window, DEFAULT_DORA_DEFINITIONS, getDb())).toEqual(expected);
    expect(await listDoraDays(fleet, window)).toEqual(expected);
  });

  it("starts lead time at the pull request's merge when so defined, at the commit time without one", async () => {
    const [day] = await computeDoraDaysFromRaw(fleet, window, { ...DEFAULT_DORA_DEFINITIONS, leadTimeStart: "merge" }, getDb());
    // c1 has no pull request (4 h 10 min); c2 merged 10:00 → 12:10 (2 h 10 min)
    expect(day!.leadSeconds).toBe((250 + 130) * 60);
  });

  it("drills down to the same commits and incident", async () => {
    const request = { scope: { ...fleet, team: null, service: null }, window, definitions: DEFAULT_DORA_DEFINITIONS };
    const commits = await listLeadTimeCommits(request);
    expect(commits.items.map((item) => [item.sha.slice(0, 1), item.environment, item.leadTimeSeconds, item.reachedProductionAt.toISOString()])).toEqual([
      ["a", "prod", 250 * 60, at(4 * HOUR + 10).toISOString()],
      ["b", "prod", 190 * 60, at(4 * HOUR + 10).toISOString()],
    ]);
    const incidents = await listDoraIncidents(request);
    expect(incidents).toMatchObject({ total: 1, restored: 1, items: [{ status: "FAILED", failedAt: at(6 * HOUR + 5), restoredAt: at(8 * HOUR + 10), restoreSeconds: 125 * 60 }] });
  });

  it("counts only what the definitions call a failure", async () => {
    const [day] = await computeDoraDaysFromRaw(fleet, window, { ...DEFAULT_DORA_DEFINITIONS, failureStatuses: ["DEGRADED"] }, getDb());
    // Only v3 fails now: its incident runs from 15:08 (degraded) to 16:10.
    expect(day).toMatchObject({ failures: 1, restoreCount: 1, restoreSeconds: 62 * 60 });
  });
});
