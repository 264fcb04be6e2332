// Keeps the DORA rollups current. Triggers (migration dora_rollups) append a dirty mark per
// service whose deployments, release commits, pull requests or environments changed; this
// recomputes those services' daily rows from the raw rows (the same facts computeDoraFromRaw
// uses), moves the team rows by the difference and replaces their median samples
// (replace-dora-samples.ts). One refresher at a time (an advisory lock);
// a mark is deleted in the transaction that recomputes its service, so a failed refresh leaves
// it for the next one, and a change committed meanwhile leaves a mark of its own.
import { type Db, type DbOrTx, getDb } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { buildDoraFactsSql } from "./build-dora-facts-sql";
import type { DoraDefinitions } from "./dora-definitions";
import { getDoraDefinitions } from "./get-dora-definitions";
import { replaceDoraSamples } from "./replace-dora-samples";

/** pg_advisory_xact_lock key of the refresher and of rebuilds ("DORA" in ASCII). */
export const DORA_ROLLUP_LOCK_KEY = 0x444f5241n;

/** Dirty marks taken per refresh transaction. */
const MARKS_PER_REFRESH = 20_000;

/** `full`: the refresh took as many marks as it may, so more are likely waiting. */
export type DoraRefreshResult = { services: number; skipped: boolean; full: boolean };

/** Recomputes the services marked dirty (up to a batch); skipped while another refresh runs. */
export async function refreshDoraRollups(db: Db = getDb()): Promise<DoraRefreshResult> {
  return db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${DORA_ROLLUP_LOCK_KEY}) AS locked`;
      if (!lock?.locked) return { services: 0, skipped: true, full: false };
      const marks = await tx.$queryRaw<{ serviceId: number }[]>`
        DELETE FROM dora_dirty_marks
        WHERE id IN (SELECT id FROM dora_dirty_marks ORDER BY id LIMIT ${MARKS_PER_REFRESH})
        RETURNING service_id AS "serviceId"`;
      const serviceIds = [...new Set(marks.map((mark) => mark.serviceId))];
      if (serviceIds.length === 0) return { services: 0, skipped: false, full: false };
      await recomputeServices(tx, serviceIds, await getDoraDefinitions(tx));
      return { services: serviceIds.length, skipped: false, full: marks.length === MARKS_PER_REFRESH };
    },
    { timeout: 120_000 },
  );
}

/** Refreshes until no dirty marks are left (tests, after a bulk change); returns services refreshed. */
export async function refreshDoraRollupsUntilClean(db: Db = getDb()): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await refreshDoraRollups(db);
    if (result.skipped) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    if (result.services === 0) return total;
    total += result.services;
  }
}

async function recomputeServices(tx: DbOrTx, serviceIds: number[], definitions: DoraDefinitions): Promise<void> {
  // Take the services' old rows out of the team sums, replace them, put the new rows in.
  await addToTeamRollups(tx, serviceIds, -1);
  await tx.$executeRaw`DELETE FROM dora_daily_rollups WHERE service_id = ANY(${serviceIds}::int[])`;
  await insertServiceRollups(tx, definitions, Prisma.sql`x.service_id = ANY(${serviceIds}::int[])`);
  await addToTeamRollups(tx, serviceIds, 1);
  await tx.$executeRaw`DELETE FROM dora_team_daily_rollups WHERE deployments = 0 AND lead_count = 0 AND restore_count = 0`;
  await replaceDoraSamples(tx, definitions, serviceIds);
}

/** Daily service rows from the facts of the deployments `scope` selects (alias x). */
export async function insertServiceRollups(tx: DbOrTx, definitions: DoraDefinitions, scope: Prisma.Sql): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO dora_daily_rollups
      (day, service_id, environment_id, team_key, is_production, deployments, failures, lead_count, lead_ms, restore_count, restore_ms)
    SELECT f."day", f."serviceId", f."environmentId", coalesce(f."teamId", 0), bool_or(f."isProduction"),
           count(*)::int, count(*) FILTER (WHERE f."isFailure")::int,
           sum(f."leadCount")::int, sum(f."leadMs")::bigint, sum(f."restoreCount")::int, sum(f."restoreMs")::bigint
    FROM (${buildDoraFactsSql(definitions, scope)}) f
    GROUP BY f."day", f."serviceId", f."environmentId", coalesce(f."teamId", 0)`;
}

async function addToTeamRollups(tx: DbOrTx, serviceIds: number[], sign: 1 | -1): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO dora_team_daily_rollups AS t
      (day, team_key, environment_id, is_production, deployments, failures, lead_count, lead_ms, restore_count, restore_ms)
    SELECT day, team_key, environment_id, bool_or(is_production),
           ${sign}::int * sum(deployments)::int, ${sign}::int * sum(failures)::int,
           ${sign}::int * sum(lead_count)::int, ${sign}::bigint * sum(lead_ms)::bigint,
           ${sign}::int * sum(restore_count)::int, ${sign}::bigint * sum(restore_ms)::bigint
    FROM dora_daily_rollups
    WHERE service_id = ANY(${serviceIds}::int[])
    GROUP BY day, team_key, environment_id
    ON CONFLICT (team_key, day, environment_id) DO UPDATE SET
      is_production = CASE WHEN ${sign}::int > 0 THEN excluded.is_production ELSE t.is_production END,
      deployments = t.deployments + excluded.deployments,
      failures = t.failures + excluded.failures,
      lead_count = t.lead_count + excluded.lead_count,
      lead_ms = t.lead_ms + excluded.lead_ms,
      restore_count = t.restore_count + excluded.restore_count,
      restore_ms = t.restore_ms + excluded.restore_ms`;
}
