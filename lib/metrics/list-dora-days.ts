// Production DORA sums per UTC day for a scope and range, from the rollups: a service reads its
// own rows, a team or the fleet the per-team rows (a few thousand rows at 5,000 services).
// The definitions are applied when the rollups are built; they are passed here so a caller
// comparing against computeDoraDaysFromRaw states which definitions it expects.
import { readDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { type DoraWindow, utcDayKey } from "./dora-window";
import type { DoraScope } from "./resolve-dora-scope";
import type { DoraDay } from "./summarize-dora";

export async function listDoraDays(
  scope: Pick<DoraScope, "teamId" | "serviceId">,
  range: Pick<DoraWindow, "from" | "to">,
  db: DbOrTx = readDb(),
): Promise<DoraDay[]> {
  const table = scope.serviceId !== null ? Prisma.sql`dora_daily_rollups` : Prisma.sql`dora_team_daily_rollups`;
  const service = scope.serviceId !== null ? Prisma.sql`AND service_id = ${scope.serviceId}` : Prisma.empty;
  const team = scope.teamId !== null ? Prisma.sql`AND team_key = ${scope.teamId}` : Prisma.empty;
  const rows = await db.$queryRaw<(Omit<DoraDay, "day"> & { day: Date })[]>`
    SELECT day,
           sum(deployments)::int AS "deployments",
           sum(failures)::int AS "failures",
           sum(lead_count)::int AS "leadCount",
           (sum(lead_ms) / 1000.0)::float8 AS "leadSeconds",
           sum(restore_count)::int AS "restoreCount",
           (sum(restore_ms) / 1000.0)::float8 AS "restoreSeconds"
    FROM ${table}
    WHERE is_production AND day >= ${utcDayKey(range.from)}::date AND day < ${utcDayKey(range.to)}::date ${service} ${team}
    GROUP BY day
    ORDER BY day`;
  return rows.map((row) => ({ ...row, day: utcDayKey(row.day) }));
}
