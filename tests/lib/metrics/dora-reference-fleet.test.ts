// The reference oracle: a fleet small enough to work out by hand, whose medians and means are
// computed here from the listed samples (odd and even counts, a window with nothing in it), then
// compared with what getDoraMetrics and GET /api/v1/metrics/dora answer; the drill-downs must
// list exactly the samples; and the three ways an incident ends (rolling forward, rolling back,
// recovering on its own) count as the definitions on /metrics say.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getDoraRoute } from "@/app/api/v1/metrics/dora/route";
import { getDb } from "@/lib/db/client";
import { computeDoraDaysFromRaw } from "@/lib/metrics/compute-dora-from-raw";
import { DEFAULT_DORA_DEFINITIONS, type DoraDefinitions } from "@/lib/metrics/dora-definitions";
import { resolveDoraWindow } from "@/lib/metrics/dora-window";
import { getDoraMetrics } from "@/lib/metrics/get-dora-metrics";
import { listDoraDays } from "@/lib/metrics/list-dora-days";
import { listDoraDeployments } from "@/lib/metrics/list-dora-deployments";
import { listDoraIncidents } from "@/lib/metrics/list-dora-incidents";
import { listLeadTimeCommits } from "@/lib/metrics/list-lead-time-commits";
import { rebuildDoraRollups } from "@/lib/metrics/rebuild-dora-rollups";
import { refreshDoraRollupsUntilClean } from "@/lib/metrics/refresh-dora-rollups";
import { saveDoraDefinitions } from "@/lib/metrics/save-dora-definitions";
import { callRoute } from "../../support/read-api";

/** "05-10 03:10" → that minute of 2026, UTC. */
const at = (text: string) => new Date(`2026-${text.replace(" ", "T")}:00Z`);
const HOUR = 3_600;

/** The textbook median: the middle sample, or the mean of the two middle ones. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
const ascending = (values: (number | undefined)[]) => [...values].sort((a, b) => a! - b!);
const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length);

// Lead-time samples, in seconds, by the day their release first reached production.
const LEAD = {
  "05-08": [1 * HOUR, 1 * HOUR, 10 * HOUR], // L0 (previous window)
  "05-10": [1 * HOUR, 2 * HOUR, 4 * HOUR], // L1
  "05-11": [10 * HOUR], // L2
};
// Times to restore of restored incidents, in seconds, by the day the incident started.
const RESTORE = {
  "05-07": [600, 1_200], // P (previous window)
  "05-08": [3_000],
  "05-09": [6_000],
  "05-10": [9_000], // F: failed, degraded, rolled forward
  "05-11": [1_800], // K: degraded, rolled back
  "05-12": [3_600], // G: failed, rolled forward; O stays open; S recovers by itself
};
const days = (table: Record<string, number[]>, keys: string[]) => keys.flatMap((key) => table[key as keyof typeof table] ?? []);
const CURRENT_DAYS = ["05-10", "05-11", "05-12"];
/** Production deployments and failures per day: L1, L1-B, F1-F4 (F2, F3 failed); L2, K1-K3 (K2); S1, G1, G2, O1 (G1, O1). */
const PRODUCTION_BY_DAY: Record<string, [number, number]> = { "05-10": [6, 2], "05-11": [4, 1], "05-12": [4, 2] };
const PREVIOUS_DAYS = ["05-07", "05-08", "05-09"];

const window = resolveDoraWindow({ from: at("05-10 00:00"), to: at("05-12 00:00") });
const fleet = { teamId: null, serviceId: null };
const request = (definitions: DoraDefinitions = DEFAULT_DORA_DEFINITIONS) => ({ scope: { ...fleet, team: null, service: null }, window, definitions });
const ids: Record<string, number> = {};

beforeAll(async () => {
  const db = getDb();
  const prod = await db.environment.create({ data: { name: "prod", rank: 30, isProduction: true } });
  const staging = await db.environment.create({ data: { name: "staging", rank: 20 } });
  const argo = await db.argoInstance.create({ data: { name: "argo" } });
  const cluster = await db.cluster.create({ data: { argoInstanceId: argo.id, name: "a", server: "https://a" } });
  const service = await db.service.create({ data: { name: "checkout", repository: "acme/checkout" } });
  const apps: Record<string, { id: number; environmentId: number }> = {};
  for (const name of ["A", "B", "F", "K", "S", "G", "O", "P", "staging"]) {
    const environmentId = name === "staging" ? staging.id : prod.id;
    const application = await db.application.create({
      data: { argoInstanceId: argo.id, namespace: "argocd", name: `checkout-${name}`, serviceId: service.id, environmentId, clusterId: cluster.id },
    });
    apps[name] = { id: application.id, environmentId };
  }
  const release = async (version: string, commits: Record<string, Date> = {}) => {
    const created = await db.release.create({ data: { serviceId: service.id, version, firstSeenAt: at("05-01 00:00") } });
    for (const [sha, committedAt] of Object.entries(commits)) {
      const commit = await db.commit.create({ data: { repository: "acme/checkout", sha: sha.padEnd(40, "0"), message: sha, committedAt } });
      await db.releaseCommit.create({ data: { releaseId: created.id, commitId: commit.id } });
    }
    return created.id;
  };
  // Reached production at 05-08 06:10, 05-10 03:10 and 05-11 09:20: the commits' times give LEAD.
  const l0 = await release("L0", { p1: at("05-08 05:10"), p2: at("05-08 05:10"), p3: at("05-07 20:10") });
  const l1 = await release("L1", { c1: at("05-10 02:10"), c2: at("05-10 01:10"), c3: at("05-09 23:10") });
  const l2 = await release("L2", { c4: at("05-10 23:20") });
  // Releases without commits: what the incidents run on.
  const [ra, rb, rc] = [await release("RA"), await release("RB"), await release("RC")];

  let key = 0;
  const deploy = async (name: string, app: string, releaseId: number, startedAt: string, facts: Record<string, unknown>) => {
    const application = apps[app]!;
    const row = await db.deployment.create({
      data: {
        applicationId: application.id, serviceId: service.id, environmentId: application.environmentId, clusterId: cluster.id, releaseId,
        operationKey: `op${++key}`, observedAt: at(startedAt), startedAt: at(startedAt), ...facts,
      },
    });
    ids[name] = row.id;
  };
  const ok = (finished: string, healthy?: string) => ({ phase: "SUCCEEDED", status: "SUCCEEDED", finishedAt: at(finished), healthyAt: healthy ? at(healthy) : null });
  const failed = (finished: string) => ({ phase: "FAILED", status: "FAILED", finishedAt: at(finished) });

  // Lead time: L1 went to staging first and to B after A; only its first production sync counts.
  await deploy("L0", "A", l0, "05-08 06:00", ok("05-08 06:10"));
  await deploy("L1-staging", "staging", l1, "05-10 02:00", ok("05-10 02:05"));
  await deploy("L1", "A", l1, "05-10 03:00", ok("05-10 03:10"));
  await deploy("L1-B", "B", l1, "05-10 05:00", ok("05-10 05:10"));
  await deploy("L2", "A", l2, "05-11 09:00", ok("05-11 09:20"));

  // F, rolled forward: a failed sync at 10:05, a degraded newer release (the same incident), then a
  // newer release healthy at 12:35: 2 h 30 min.
  await deploy("F1", "F", ra, "05-10 08:00", ok("05-10 08:03", "05-10 08:05"));
  await deploy("F2", "F", rb, "05-10 10:00", failed("05-10 10:05"));
  await deploy("F3", "F", rc, "05-10 11:00", { phase: "SUCCEEDED", status: "DEGRADED", finishedAt: at("05-10 11:05"), degradedAt: at("05-10 11:10") });
  await deploy("F4", "F", rc, "05-10 12:00", ok("05-10 12:05", "05-10 12:35"));
  // K, rolled back: degraded at 09:15, replaced by the earlier release, healthy at 09:45: 30 min.
  await deploy("K1", "K", ra, "05-11 08:00", ok("05-11 08:03", "05-11 08:05"));
  await deploy("K2", "K", rb, "05-11 09:00", { phase: "SUCCEEDED", status: "ROLLED_BACK", finishedAt: at("05-11 09:05"), healthyAt: at("05-11 09:07"), degradedAt: at("05-11 09:15") });
  await deploy("K3", "K", ra, "05-11 09:40", { ...ok("05-11 09:42", "05-11 09:45"), isRollback: true });
  await db.deployment.update({ where: { id: ids.K2 }, data: { rolledBackById: ids.K3 } });
  // S, recovered by itself: healthy, degraded at 08:20, healthy again: its status is succeeded.
  await deploy("S1", "S", rb, "05-12 08:00", { ...ok("05-12 08:05", "05-12 08:10"), degradedAt: at("05-12 08:20"), lastHealth: "HEALTHY", lastHealthAt: at("05-12 09:00") });
  // G, a failed sync at 14:01 followed by a deployment healthy at 15:01: 1 h. O stays open.
  await deploy("G1", "G", rb, "05-12 14:00", failed("05-12 14:01"));
  await deploy("G2", "G", rc, "05-12 15:00", ok("05-12 15:00", "05-12 15:01"));
  await deploy("O1", "O", rb, "05-12 16:00", failed("05-12 16:02"));
  // P, the previous window: four failed syncs, each restored after RESTORE's durations.
  const previous: [string, string, string][] = [
    ["05-07 01:00", "05-07 01:05", "05-07 01:10"],
    ["05-07 05:00", "05-07 05:10", "05-07 05:20"],
    ["05-08 05:00", "05-08 05:10", "05-08 05:50"],
    ["05-09 05:00", "05-09 05:10", "05-09 06:40"],
  ];
  for (const [index, [failedAt, restartedAt, healthyAt]] of previous.entries()) {
    await deploy(`P${index}-failed`, "P", rb, failedAt, failed(failedAt));
    await deploy(`P${index}-restored`, "P", ra, restartedAt, ok(restartedAt, healthyAt));
  }
  await rebuildDoraRollups();
});

/** The totals worked out by hand (counts listed above) with the medians and means of the samples. */
function expectedTotals(lead: number[], restore: number[], deployments: number, failures: number) {
  return {
    deployments,
    deploymentsPerDay: deployments / 3,
    failures,
    changeFailureRate: failures / deployments,
    leadTimeCommits: lead.length,
    leadTimeMedianSeconds: median(lead),
    leadTimeSeconds: mean(lead),
    incidents: restore.length,
    restoreMedianSeconds: median(restore),
    restoreSeconds: mean(restore),
  };
}

describe("medians and means on the reference fleet", () => {
  const currentLead = days(LEAD, CURRENT_DAYS);
  const currentRestore = days(RESTORE, CURRENT_DAYS);
  const previousLead = days(LEAD, PREVIOUS_DAYS);
  const previousRestore = days(RESTORE, PREVIOUS_DAYS);
  // L1, L1-B, L2, F1-F4, K1-K3, S1, G1, G2, O1 / L0 and P's eight; failures F2, F3, K2, G1, O1 / P's four.
  const current = expectedTotals(currentLead, currentRestore, 14, 5);
  const previous = expectedTotals(previousLead, previousRestore, 9, 4);

  it("are what the samples give by hand: even and odd counts, median apart from mean", () => {
    // Worked out once, so a slip in median() or in the tables cannot hide behind itself.
    expect(current).toMatchObject({ leadTimeMedianSeconds: 3 * HOUR, leadTimeSeconds: 4.25 * HOUR, restoreMedianSeconds: 3_600, restoreSeconds: 4_800 });
    expect(previous).toMatchObject({ leadTimeMedianSeconds: 1 * HOUR, leadTimeSeconds: 4 * HOUR, restoreMedianSeconds: 2_100, restoreSeconds: 2_700 });
  });

  it("getDoraMetrics answers them for the window, the previous window and each day", async () => {
    const metrics = (await getDoraMetrics({ from: window.from, to: at("05-12 00:00"), granularity: "day" }))!;
    expect(metrics.current).toEqual(current);
    expect(metrics.previous).toEqual(previous);
    expect(metrics.series).toEqual(
      CURRENT_DAYS.map((day) => {
        const [deployments, failures] = PRODUCTION_BY_DAY[day]!;
        const lead = LEAD[day as keyof typeof LEAD] ?? [];
        const restore = RESTORE[day as keyof typeof RESTORE];
        return {
          start: `2026-${day}`,
          deployments,
          failures,
          changeFailureRate: failures / deployments,
          leadTimeMedianSeconds: median(lead),
          leadTimeSeconds: mean(lead),
          restoreMedianSeconds: median(restore),
          restoreSeconds: mean(restore),
        };
      }),
    );
    // Per week the window is one bucket: the window's medians.
    const weekly = (await getDoraMetrics({ from: window.from, to: at("05-12 00:00"), granularity: "week" }))!;
    expect(weekly.series).toEqual([
      expect.objectContaining({ start: "2026-05-10", leadTimeMedianSeconds: current.leadTimeMedianSeconds, restoreMedianSeconds: current.restoreMedianSeconds }),
    ]);
  });

  it("says which changes the previous window is too thin for, worked out by hand", async () => {
    // History begins 05-07 (P0's failed sync at 01:00), the previous window's first day: covered
    // 3 of 3. It holds 9 production deployments (≥ 5: frequency and failure rate compare), L0's
    // 3 commits and P's 4 restored incidents (< 5: lead time and time to restore do not).
    const metrics = (await getDoraMetrics({ from: window.from, to: at("05-12 00:00") }))!;
    expect(metrics.comparison).toEqual({
      historyFrom: at("05-07 00:00"),
      coveredDays: 3,
      deploymentFrequency: { comparable: true, reason: null },
      changeFailureRate: { comparable: true, reason: null },
      leadTime: { comparable: false, reason: "only 3 commits reached production in the previous 3 days (fewer than 5)" },
      timeToRestore: { comparable: false, reason: "only 4 restored incidents in the previous 3 days (fewer than 5)" },
    });
    // 05-09 … 05-12: the previous window 05-05 … 05-08 has history on 05-07 and 05-08 only, 2 of 4 days.
    const earlier = (await getDoraMetrics({ from: at("05-09 00:00"), to: at("05-12 00:00") }))!;
    expect(earlier.previousWindow).toEqual({ from: at("05-05 00:00"), to: at("05-09 00:00"), days: 4 });
    expect(earlier.comparison.coveredDays).toBe(2);
    expect(earlier.comparison.deploymentFrequency).toEqual({ comparable: false, reason: "production deployments are recorded only from 2026-05-07: 2 of the previous 4 days" });
    // Before any history at all: 04-01 … 04-03, whose previous window 03-29 … 03-31 ends before 04-01.
    const before = (await getDoraMetrics({ from: at("04-01 00:00"), to: at("04-03 00:00") }))!;
    expect(before.comparison.coveredDays).toBe(0);
    expect(before.comparison.changeFailureRate).toEqual({ comparable: false, reason: "no production deployments recorded before 2026-04-01" });
  });

  it("GET /api/v1/metrics/dora answers the same numbers", async () => {
    const answer = await callRoute(getDoraRoute, "/api/v1/metrics/dora?from=2026-05-10&to=2026-05-12&per=day");
    expect(answer.status).toBe(200);
    expect(answer.body.current).toEqual(current);
    expect(answer.body.previous).toEqual(previous);
    expect(answer.body.comparison).toMatchObject({ historyFrom: "2026-05-07T00:00:00.000Z", coveredDays: 3, deploymentFrequency: { comparable: true }, leadTime: { comparable: false } });
    expect(answer.body.series.map((point: { leadTimeMedianSeconds: number | null }) => point.leadTimeMedianSeconds)).toEqual([2 * HOUR, 10 * HOUR, null]);
  });

  it("a window with nothing in it has no medians or means, and zero counts", async () => {
    const empty = (await getDoraMetrics({ from: at("04-01 00:00"), to: at("04-03 00:00") }))!;
    expect(empty.current).toEqual({
      deployments: 0, deploymentsPerDay: 0, failures: 0, changeFailureRate: null,
      leadTimeCommits: 0, leadTimeMedianSeconds: null, leadTimeSeconds: null, incidents: 0, restoreMedianSeconds: null, restoreSeconds: null,
    });
    expect(empty.series.every((point) => point.leadTimeMedianSeconds === null && point.restoreMedianSeconds === null)).toBe(true);
  });

  it("the drill-downs list exactly the samples the medians are taken over", async () => {
    const commits = await listLeadTimeCommits(request(), { limit: 500 });
    expect(commits.total).toBe(currentLead.length);
    expect(commits.items.map((item) => item.sha.slice(0, 2)).sort()).toEqual(["c1", "c2", "c3", "c4"]);
    expect(ascending(commits.items.map((item) => item.leadTimeSeconds))).toEqual(ascending(currentLead));
    const incidents = await listDoraIncidents(request(), { limit: 500 });
    expect(incidents).toMatchObject({ total: 4, restored: 3 });
    const restored = incidents.items.filter((item) => item.restoreSeconds !== null).map((item) => item.restoreSeconds!);
    expect(ascending(restored)).toEqual(ascending(currentRestore));
    const metrics = (await getDoraMetrics({ from: window.from, to: at("05-12 00:00") }))!;
    expect(metrics.current.leadTimeMedianSeconds).toBe(median(commits.items.map((item) => item.leadTimeSeconds)));
    expect(metrics.current.restoreMedianSeconds).toBe(median(restored));
  });
});

describe("how an incident ends", () => {
  const byFailed = async (definitions?: DoraDefinitions) =>
    new Map((await listDoraIncidents(request(definitions), { limit: 500 })).items.map((item) => [item.failedDeploymentId, item]));

  it("rolling forward: from the first failure of the run to the next succeeded deployment's health", async () => {
    const incidents = await byFailed();
    expect(incidents.get(ids.F2!)).toMatchObject({ failedAt: at("05-10 10:05"), restoringDeploymentId: ids.F4, restoredAt: at("05-10 12:35"), restoredBy: "roll-forward", restoreSeconds: 9_000 });
    // The degraded deployment in between belongs to the same incident.
    expect(incidents.has(ids.F3!)).toBe(false);
    expect(incidents.get(ids.G1!)).toMatchObject({ restoringDeploymentId: ids.G2, restoredBy: "roll-forward", restoreSeconds: 3_600 });
    expect(incidents.get(ids.O1!)).toMatchObject({ restoringDeploymentId: null, restoredAt: null, restoredBy: null, restoreSeconds: null });
  });

  it("rolling back: from when it degraded to the rollback deployment's health", async () => {
    const incidents = await byFailed();
    expect(incidents.get(ids.K2!)).toMatchObject({ status: "ROLLED_BACK", failedAt: at("05-11 09:15"), restoringDeploymentId: ids.K3, restoredBy: "rollback", restoreSeconds: 1_800 });
  });

  it("recovering on its own: no failure and no incident, but a deployment", async () => {
    const [deployments, failures, incidents] = await Promise.all([
      listDoraDeployments(request(), { limit: 500 }),
      listDoraDeployments(request(), { failedOnly: true, limit: 500 }),
      byFailed(),
    ]);
    expect(deployments.items.find((item) => item.id === ids.S1)).toMatchObject({ status: "SUCCEEDED", isFailure: false });
    expect(failures.items.map((item) => item.id)).not.toContain(ids.S1);
    expect(incidents.has(ids.S1!)).toBe(false);
  });

  it("a degraded deployment that was rolled back counts as degraded when rolled-back ones do not count", async () => {
    const degradedOnly: DoraDefinitions = { ...DEFAULT_DORA_DEFINITIONS, failureStatuses: ["DEGRADED"] };
    const incidents = await byFailed(degradedOnly);
    expect(ascending([...incidents.keys()])).toEqual(ascending([ids.F3, ids.K2]));
    // F's failed sync no longer counts: its incident starts when F3 degraded (11:10) and ends at 12:35.
    expect(incidents.get(ids.F3!)).toMatchObject({ restoringDeploymentId: ids.F4, restoreSeconds: 85 * 60 });
    expect(incidents.get(ids.K2!)).toMatchObject({ restoredBy: "rollback", restoreSeconds: 1_800 });
    const failures = await listDoraDeployments(request(degradedOnly), { failedOnly: true, limit: 500 });
    expect(ascending(failures.items.map((item) => item.id))).toEqual(ascending([ids.F3, ids.K2]));

    const failedOnly = await byFailed({ ...DEFAULT_DORA_DEFINITIONS, failureStatuses: ["FAILED"] });
    expect(ascending([...failedOnly.keys()])).toEqual(ascending([ids.F2, ids.G1, ids.O1]));
    const rolledBackOnly = await byFailed({ ...DEFAULT_DORA_DEFINITIONS, failureStatuses: ["ROLLED_BACK"] });
    expect([...rolledBackOnly.keys()]).toEqual([ids.K2]);
  });

  it("the rollups, the raw rows, the numbers and the drill-downs agree under each choice", async () => {
    const variants: DoraDefinitions[] = [
      { ...DEFAULT_DORA_DEFINITIONS, failureStatuses: ["DEGRADED"] },
      { ...DEFAULT_DORA_DEFINITIONS, failureStatuses: ["FAILED"] },
      DEFAULT_DORA_DEFINITIONS,
    ];
    const range = { from: at("05-07 00:00"), to: at("05-13 00:00") };
    for (const definitions of variants) {
      await saveDoraDefinitions(definitions);
      expect(await listDoraDays(fleet, range)).toEqual(await computeDoraDaysFromRaw(fleet, range, definitions, getDb()));
      const metrics = (await getDoraMetrics({ from: window.from, to: at("05-12 00:00") }))!;
      const [failures, incidents] = await Promise.all([
        listDoraDeployments(request(definitions), { failedOnly: true, limit: 500 }),
        listDoraIncidents(request(definitions), { limit: 500 }),
      ]);
      const restored = incidents.items.flatMap((item) => (item.restoreSeconds === null ? [] : [item.restoreSeconds]));
      expect(metrics.current).toMatchObject({ failures: failures.total, incidents: restored.length, restoreMedianSeconds: median(restored), restoreSeconds: mean(restored) });
    }
    // Under the defaults: F2, K2 and G1 restored (O1 open), as worked out above.
    const incidents = await listDoraIncidents(request(), { limit: 500 });
    expect(ascending(incidents.items.map((item) => item.failedDeploymentId))).toEqual(ascending([ids.F2, ids.K2, ids.G1, ids.O1]));
  });
});

describe("after a change", () => {
  it("the medians follow the rollups: a restore that took longer moves the median once they are refreshed", async () => {
    const db = getDb();
    await refreshDoraRollupsUntilClean(db);
    const before = (await getDoraMetrics({ from: window.from, to: at("05-12 00:00") }))!;
    expect(before.current.restoreMedianSeconds).toBe(3_600);
    // G's restoring deployment turned healthy an hour later than recorded: 9000, 1800, 7200.
    await db.deployment.update({ where: { id: ids.G2 }, data: { healthyAt: at("05-12 16:01") } });
    await refreshDoraRollupsUntilClean(db);
    const after = (await getDoraMetrics({ from: window.from, to: at("05-12 00:00") }))!;
    expect(after.current).toMatchObject({ incidents: 3, restoreMedianSeconds: 7_200, restoreSeconds: 6_000 });
  });
});
