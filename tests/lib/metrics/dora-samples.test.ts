// The median sample tables must give exactly the medians taken over the rows the drill-downs list
// (computeDoraMediansFromRaw): after a rebuild, after rounds of random changes followed by the
// refresher, and after the definitions change; and hold exactly the drill-downs' rows.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { buildDoraIncidentsSql } from "@/lib/metrics/build-dora-incidents-sql";
import { buildLeadTimeSamplesSql } from "@/lib/metrics/build-lead-time-samples-sql";
import { computeDoraMediansFromRaw } from "@/lib/metrics/compute-dora-medians-from-raw";
import type { DoraDefinitions } from "@/lib/metrics/dora-definitions";
import { addDays, type DoraWindow, previousDoraWindow, resolveDoraWindow, startOfUtcDay, utcDayKey } from "@/lib/metrics/dora-window";
import { getDoraDefinitions } from "@/lib/metrics/get-dora-definitions";
import { type DoraMedianSet, listDoraMedians } from "@/lib/metrics/list-dora-medians";
import { rebuildDoraRollups } from "@/lib/metrics/rebuild-dora-rollups";
import { refreshDoraRollupsUntilClean } from "@/lib/metrics/refresh-dora-rollups";
import { saveDoraDefinitions } from "@/lib/metrics/save-dora-definitions";
import { addRandomDeployments, addReleaseCommits, createDoraFleet, type DoraFleet, randomNumbers } from "./dora-fleet-fixture";

const now = new Date("2026-06-15T10:00:00Z");
const random = randomNumbers(20261207);
let fleet: DoraFleet;

const windows: DoraWindow[] = [
  resolveDoraWindow({ days: 7, now }),
  resolveDoraWindow({ days: 30, now }),
  resolveDoraWindow({ days: 90, now }),
  resolveDoraWindow({ from: addDays(startOfUtcDay(now), -45), to: addDays(startOfUtcDay(now), -20), now }),
];

function scopes() {
  return [
    { teamId: null, serviceId: null },
    ...fleet.teams.map((team) => ({ teamId: team.id, serviceId: null })),
    ...fleet.services.map((service) => ({ teamId: null, serviceId: service.id })),
    { teamId: fleet.teams[0]!.id, serviceId: fleet.services[0]!.id },
  ].map((scope) => ({ ...scope, team: null, service: null }));
}

const comparable = (set: DoraMedianSet) => ({ current: set.current, previous: set.previous, buckets: Object.fromEntries(set.buckets) });

async function expectMediansEqualRaw() {
  const db = getDb();
  const definitions = await getDoraDefinitions(db);
  let withMedians = 0;
  for (const scope of scopes()) {
    for (const window of windows) {
      for (const granularity of ["day", "week"] as const) {
        const request = { scope, definitions, window };
        const [fromSamples, fromRaw] = await Promise.all([listDoraMedians(request, granularity, db), computeDoraMediansFromRaw(request, granularity, db)]);
        // Both take percentile_cont over the same whole milliseconds: equal, not merely close.
        expect(comparable(fromSamples), `${JSON.stringify(scope)} ${utcDayKey(window.from)}..${utcDayKey(window.to)} ${granularity}`).toEqual(comparable(fromRaw));
        if (fromRaw.current.leadTimeMedianSeconds !== null && fromRaw.current.restoreMedianSeconds !== null) withMedians += 1;
      }
    }
  }
  // The comparison compared something: most scopes and windows have both medians.
  expect(withMedians).toBeGreaterThan(scopes().length);
}

/** The sample tables hold exactly the rows the drill-downs list, over any range. */
async function expectSamplesAreDrilldownRows() {
  const db = getDb();
  const definitions = await getDoraDefinitions(db);
  const range = { from: new Date("2000-01-01T00:00:00Z"), to: addDays(startOfUtcDay(now), 365) };
  const request = { scope: { teamId: null, serviceId: null, team: null, service: null }, definitions };
  const [lead, leadRows, restore, restoreRows] = await Promise.all([
    db.$queryRaw<{ row: string }[]>`SELECT concat_ws(' ', deployment_id, commit_id, service_id, team_key, environment_id, day, lead_ms) AS row FROM dora_lead_time_samples ORDER BY 1`,
    db.$queryRaw<{ row: string }[]>`
      SELECT concat_ws(' ', s.deployment_id, s.commit_id, s.service_id, coalesce(s.team_id, 0), s.environment_id, (s.deployment_started_at AT TIME ZONE 'UTC')::date, s.lead_ms) AS row
      FROM (${buildLeadTimeSamplesSql(request, range)}) s ORDER BY 1`,
    db.$queryRaw<{ row: string }[]>`SELECT concat_ws(' ', failed_deployment_id, service_id, team_key, environment_id, day, restore_ms) AS row FROM dora_restore_samples ORDER BY 1`,
    db.$queryRaw<{ row: string }[]>(Prisma.sql`
      SELECT concat_ws(' ', s.failed_deployment_id, s.service_id, coalesce(s.team_id, 0), s.environment_id, (s.started_at AT TIME ZONE 'UTC')::date, s.restore_ms) AS row
      FROM (${buildDoraIncidentsSql(request, range)}) s WHERE s.restore_ms IS NOT NULL ORDER BY 1`),
  ]);
  expect(lead.length).toBeGreaterThan(0);
  expect(restore.length).toBeGreaterThan(0);
  expect(lead).toEqual(leadRows);
  expect(restore).toEqual(restoreRows);
}

/** A round of what ingestion does: new deployments, late failures and rollbacks, moved days, team moves, deletions, late commits and merges. */
async function changeFleetRandomly() {
  const db = getDb();
  await addRandomDeployments(db, random, fleet, now, random.int(20, 80));
  const some = await db.deployment.findMany({ orderBy: { id: "asc" }, skip: random.int(0, 200), take: 6 });
  await db.deployment.update({ where: { id: some[0]!.id }, data: { status: "ROLLED_BACK" } });
  await db.deployment.update({ where: { id: some[1]!.id }, data: { status: "FAILED", phase: "FAILED" } });
  await db.deployment.update({ where: { id: some[2]!.id }, data: { status: "SUCCEEDED", phase: "SUCCEEDED", healthyAt: null } });
  await db.deployment.update({ where: { id: some[3]!.id }, data: { startedAt: new Date(some[3]!.startedAt.getTime() - random.int(1, 72) * 3_600_000) } });
  const otherTeam = fleet.teams.find((team) => team.id !== some[4]!.teamId) ?? fleet.teams[0]!;
  await db.deployment.updateMany({ where: { serviceId: some[4]!.serviceId, startedAt: { gte: some[4]!.startedAt } }, data: { teamId: otherTeam.id } });
  await db.deployment.delete({ where: { id: some[5]!.id } });
  const release = random.pick(fleet.releases);
  const service = fleet.services.find((candidate) => candidate.id === release.serviceId)!;
  await addReleaseCommits(db, random, service, release.id, release.firstSeenAt, random.int(1, 3));
  const pullRequest = await db.pullRequest.findFirst({ where: { mergedAt: { not: null } }, skip: random.int(0, 5), orderBy: { id: "asc" } });
  if (pullRequest) await db.pullRequest.update({ where: { id: pullRequest.id }, data: { mergedAt: new Date(pullRequest.mergedAt!.getTime() + random.int(1, 48) * 3_600_000) } });
}

beforeAll(async () => {
  fleet = await createDoraFleet(getDb(), random, now);
  await addRandomDeployments(getDb(), random, fleet, now, 400);
});

describe("DORA median samples", () => {
  it("give the medians of the drill-down rows after a rebuild", async () => {
    await rebuildDoraRollups();
    await expectSamplesAreDrilldownRows();
    await expectMediansEqualRaw();
  });

  it("follow random changes through the dirty marks and the refresher", async () => {
    const db = getDb();
    await saveDoraDefinitions({ productionEnvironments: null, failureStatuses: ["FAILED", "DEGRADED", "ROLLED_BACK"], leadTimeStart: "merge" });
    for (let round = 0; round < 4; round += 1) {
      await changeFleetRandomly();
      expect(await db.doraDirtyMark.count()).toBeGreaterThan(0);
      await refreshDoraRollupsUntilClean(db);
      await expectSamplesAreDrilldownRows();
      await expectMediansEqualRaw();
    }
    // An environment becoming production brings its samples in; and out again.
    await db.environment.update({ where: { name: "staging" }, data: { isProduction: true } });
    await refreshDoraRollupsUntilClean(db);
    await expectMediansEqualRaw();
    await db.environment.update({ where: { name: "staging" }, data: { isProduction: false } });
    await refreshDoraRollupsUntilClean(db);
    await expectSamplesAreDrilldownRows();
  });

  it("are rebuilt whole when the definitions change", async () => {
    const variants: DoraDefinitions[] = [
      { productionEnvironments: ["prod"], failureStatuses: ["FAILED"], leadTimeStart: "commit" },
      { productionEnvironments: ["staging", "prod-eu"], failureStatuses: ["DEGRADED", "ROLLED_BACK"], leadTimeStart: "merge" },
      { productionEnvironments: null, failureStatuses: ["FAILED", "DEGRADED", "ROLLED_BACK"], leadTimeStart: "commit" },
    ];
    for (const definitions of variants) {
      await saveDoraDefinitions(definitions);
      await expectSamplesAreDrilldownRows();
      await expectMediansEqualRaw();
    }
  });

  it("cover the previous window too, so the comparison has a median", async () => {
    const window = windows[1]!;
    const request = { scope: scopes()[0]!, window };
    const medians = await listDoraMedians(request, "day");
    expect(utcDayKey(previousDoraWindow(window).to)).toBe(utcDayKey(window.from));
    expect(medians.previous.leadTimeMedianSeconds).not.toBeNull();
    expect(medians.previous.restoreMedianSeconds).not.toBeNull();
  });
});
