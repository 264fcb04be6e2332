// Recomputes every DORA rollup row and median sample from the raw rows under the definitions in
// force: after the definitions change, after a bulk load (the demo fleet's COPY path) and after a
// projection rebuild.
import { type Db, getDb } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { getDoraDefinitions } from "./get-dora-definitions";
import { DORA_ROLLUP_LOCK_KEY, insertServiceRollups } from "./refresh-dora-rollups";
import { replaceDoraSamples } from "./replace-dora-samples";

export async function rebuildDoraRollups(db: Db = getDb()): Promise<{ rows: number; milliseconds: number }> {
  const started = Date.now();
  const rows = await db.$transaction(
    async (tx) => {
      // Waits for a refresh in flight; the refresher skips while this holds the lock.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${DORA_ROLLUP_LOCK_KEY})`;
      // Marks present now are covered by this rebuild; changes committed later leave new ones.
      await tx.$executeRaw`DELETE FROM dora_dirty_marks`;
      await tx.$executeRaw`DELETE FROM dora_team_daily_rollups`;
      await tx.$executeRaw`DELETE FROM dora_daily_rollups`;
      const definitions = await getDoraDefinitions(tx);
      await insertServiceRollups(tx, definitions, Prisma.sql`true`);
      await tx.$executeRaw`
        INSERT INTO dora_team_daily_rollups
          (day, team_key, environment_id, is_production, deployments, failures, lead_count, lead_ms, restore_count, restore_ms)
        SELECT day, team_key, environment_id, bool_or(is_production), sum(deployments)::int, sum(failures)::int,
               sum(lead_count)::int, sum(lead_ms)::bigint, sum(restore_count)::int, sum(restore_ms)::bigint
        FROM dora_daily_rollups
        GROUP BY day, team_key, environment_id`;
      await replaceDoraSamples(tx, definitions, null);
      const [count] = await tx.$queryRaw<{ rows: number }[]>`SELECT count(*)::int AS rows FROM dora_daily_rollups`;
      return count?.rows ?? 0;
    },
    { timeout: 30 * 60_000 },
  );
  return { rows, milliseconds: Date.now() - started };
}
