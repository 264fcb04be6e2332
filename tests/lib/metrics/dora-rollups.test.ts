// The rollups must give exactly what computing from the raw rows gives: after a full rebuild,
// after more deployments, updates and commits arrive (trigger marks + refresher), and after
// the definitions change.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { computeDoraDaysFromRaw } from "@/lib/metrics/compute-dora-from-raw";
import type { DoraDefinitions } from "@/lib/metrics/dora-definitions";
import { addDays, resolveDoraWindow, startOfUtcDay } from "@/lib/metrics/dora-window";
import { getDoraDefinitions } from "@/lib/metrics/get-dora-definitions";
import { listDoraDays } from "@/lib/metrics/list-dora-days";
import { rebuildDoraRollups } from "@/lib/metrics/rebuild-dora-rollups";
import { refreshDoraRollupsUntilClean } from "@/lib/metrics/refresh-dora-rollups";
import { listDoraDeployments } from "@/lib/metrics/list-dora-deployments";
import { listDoraIncidents } from "@/lib/metrics/list-dora-incidents";
import { listLeadTimeCommits } from "@/lib/metrics/list-lead-time-commits";
import { listDoraMedians } from "@/lib/metrics/list-dora-medians";
import { saveDoraDefinitions } from "@/lib/metrics/save-dora-definitions";
import { sumDoraDays } from "@/lib/metrics/summarize-dora";
import { utcDayKey } from "@/lib/metrics/dora-window";
import { addRandomDeployments, addReleaseCommits, createDoraFleet, type DoraFleet, randomNumbers } from "./dora-fleet-fixture";

const now = new Date("2026-06-15T10:00:00Z");
const random = randomNumbers(20261124);
let fleet: DoraFleet;

const windows = [
  resolveDoraWindow({ days: 7, now }),
  resolveDoraWindow({ days: 30, now }),
  resolveDoraWindow({ days: 90, now }),
  { from: addDays(startOfUtcDay(now), -45), to: addDays(startOfUtcDay(now), -20) },
];

function scopes() {
  return [
    { teamId: null, serviceId: null },
    ...fleet.teams.map((team) => ({ teamId: team.id, serviceId: null })),
    ...fleet.services.map((service) => ({ teamId: null, serviceId: service.id })),
    { teamId: fleet.teams[0]!.id, serviceId: fleet.services[0]!.id },
  ];
}

async function expectRollupsEqualRaw(definitions?: DoraDefinitions) {
  const db = getDb();
  const inForce = definitions ?? (await getDoraDefinitions(db));
  let nonEmpty = 0;
  for (const scope of scopes()) {
    for (const window of windows) {
      const [rolled, raw] = await Promise.all([listDoraDays(scope, window, db), computeDoraDaysFromRaw(scope, window, inForce, db)]);
      expect(rolled, `scope ${JSON.stringify(scope)} ${window.from.toISOString()}`).toEqual(raw);
      if (raw.length > 0) nonEmpty += 1;
    }
  }
  // The comparison must have compared something: most scopes and windows have production days.
  expect(nonEmpty).toBeGreaterThan(scopes().length);
}

beforeAll(async () => {
  fleet = await createDoraFleet(getDb(), random, now);
  await addRandomDeployments(getDb(), random, fleet, now, 400);
});

/** The middle sample, or the mean of the two middle ones; compared to within float rounding. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function expectMedianOf(actual: number | null, values: number[]) {
  const expected = median(values);
  if (expected === null) expect(actual).toBeNull();
  else expect(actual).toBeCloseTo(expected, 6);
}

async function expectDrilldownsMatchNumbers() {
  const db = getDb();
  const definitions = await getDoraDefinitions(db);
  for (const scope of scopes()) {
    for (const window of windows.slice(0, 3) as ReturnType<typeof resolveDoraWindow>[]) {
      const sum = sumDoraDays(await listDoraDays(scope, window, db), utcDayKey(window.from), utcDayKey(window.to));
      const request = { scope: { ...scope, team: null, service: null }, window, definitions };
      const [deployments, failures, commits, incidents, medians] = await Promise.all([
        listDoraDeployments(request, { limit: 500 }, db),
        listDoraDeployments(request, { failedOnly: true, limit: 500 }, db),
        listLeadTimeCommits(request, { limit: 500 }, db),
        listDoraIncidents(request, { limit: 500 }, db),
        listDoraMedians(request, "day", db),
      ]);
      expect(deployments.total).toBe(sum.deployments);
      expect(failures.total).toBe(sum.failures);
      expect(failures.items.every((item) => item.isFailure)).toBe(true);
      expect(commits.total).toBe(sum.leadCount);
      expect(commits.items.reduce((total, item) => total + Math.round(item.leadTimeSeconds * 1000), 0)).toBe(Math.round(sum.leadSeconds * 1000));
      expect(incidents.restored).toBe(sum.restoreCount);
      const restoredMs = incidents.items.reduce((total, item) => total + Math.round((item.restoreSeconds ?? 0) * 1000), 0);
      expect(restoredMs).toBe(Math.round(sum.restoreSeconds * 1000));
      // The medians are taken over exactly the rows listed (all of them: the fleet is small).
      expect(commits.items).toHaveLength(commits.total);
      expect(incidents.items).toHaveLength(incidents.total);
      const restored = incidents.items.flatMap((item) => (item.restoreSeconds === null ? [] : [item.restoreSeconds]));
      expectMedianOf(medians.current.leadTimeMedianSeconds, commits.items.map((item) => item.leadTimeSeconds));
      expectMedianOf(medians.current.restoreMedianSeconds, restored);
    }
  }
}

describe("DORA rollups", () => {
  it("equal the raw computation after a rebuild", async () => {
    await rebuildDoraRollups();
    await expectRollupsEqualRaw();
    const raw = await computeDoraDaysFromRaw({ teamId: null, serviceId: null }, windows[2]!, await getDoraDefinitions(), getDb());
    // The random fleet exercises every part: failures, lead-time samples and restored incidents.
    expect(raw.reduce((sum, day) => sum + day.failures, 0)).toBeGreaterThan(0);
    expect(raw.reduce((sum, day) => sum + day.leadCount, 0)).toBeGreaterThan(0);
    expect(raw.reduce((sum, day) => sum + day.restoreCount, 0)).toBeGreaterThan(0);
  });

  it("drill down to exactly the deployments, commits and incidents behind each number", async () => {
    await expectDrilldownsMatchNumbers();
  });

  it("follow new deployments, changed deployments and late commits through the dirty marks", async () => {
    const db = getDb();
    for (let round = 0; round < 3; round += 1) {
      await addRandomDeployments(db, random, fleet, now, 60);
      // A deployment turns out rolled back, another fails late, one moves to another day.
      const some = await db.deployment.findMany({ orderBy: { id: "asc" }, skip: random.int(0, 300), take: 3 });
      await db.deployment.update({ where: { id: some[0]!.id }, data: { status: "ROLLED_BACK" } });
      await db.deployment.update({ where: { id: some[1]!.id }, data: { status: "FAILED", phase: "FAILED" } });
      await db.deployment.update({ where: { id: some[2]!.id }, data: { startedAt: new Date(some[2]!.startedAt.getTime() - 36 * 3_600_000) } });
      // Commits of a release already in production become known later (GitHub's compare API).
      const release = random.pick(fleet.releases);
      const service = fleet.services.find((candidate) => candidate.id === release.serviceId)!;
      await addReleaseCommits(db, random, service, release.id, release.firstSeenAt, 2);
      const marks = await db.doraDirtyMark.count();
      expect(marks).toBeGreaterThan(0);
      await refreshDoraRollupsUntilClean(db);
      expect(await db.doraDirtyMark.count()).toBe(0);
      await expectRollupsEqualRaw();
    }
  });

  it("are not marked dirty by updates DORA does not read", async () => {
    const db = getDb();
    await refreshDoraRollupsUntilClean(db);
    const deployment = await db.deployment.findFirstOrThrow();
    await db.deployment.update({ where: { id: deployment.id }, data: { observedAt: new Date(), message: "observed again" } });
    expect(await db.doraDirtyMark.count()).toBe(0);
  });

  it("follow a pull request merged later and an environment becoming production", async () => {
    const db = getDb();
    await saveDoraDefinitions({ productionEnvironments: null, failureStatuses: ["FAILED", "DEGRADED", "ROLLED_BACK"], leadTimeStart: "merge" });
    await expectRollupsEqualRaw();
    const pullRequest = await db.pullRequest.findFirstOrThrow({ where: { mergedAt: { not: null } }, orderBy: { id: "asc" } });
    await db.pullRequest.update({ where: { id: pullRequest.id }, data: { mergedAt: new Date(pullRequest.mergedAt!.getTime() + 3 * 3_600_000) } });
    await db.environment.update({ where: { name: "staging" }, data: { isProduction: true } });
    expect(await db.doraDirtyMark.count()).toBeGreaterThan(0);
    await refreshDoraRollupsUntilClean(db);
    await expectRollupsEqualRaw();
    await db.environment.update({ where: { name: "staging" }, data: { isProduction: false } });
    await refreshDoraRollupsUntilClean(db);
    await expectRollupsEqualRaw();
  });

  it("are recomputed when the definitions change", async () => {
    const variants: DoraDefinitions[] = [
      { productionEnvironments: ["prod"], failureStatuses: ["FAILED"], leadTimeStart: "commit" },
      { productionEnvironments: ["staging", "prod-eu"], failureStatuses: ["DEGRADED", "ROLLED_BACK"], leadTimeStart: "merge" },
      { productionEnvironments: null, failureStatuses: ["FAILED", "DEGRADED", "ROLLED_BACK"], leadTimeStart: "commit" },
    ];
    for (const definitions of variants) {
      await saveDoraDefinitions(definitions);
      expect(await getDoraDefinitions()).toEqual({ ...definitions, failureStatuses: [...definitions.failureStatuses].sort() });
      await expectRollupsEqualRaw(definitions);
      await expectDrilldownsMatchNumbers();
    }
  });
});
