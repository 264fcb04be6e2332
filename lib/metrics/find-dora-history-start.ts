// The first UTC day with a production deployment in a scope's DORA rollups: where its recorded
// history begins, so a comparison with a window before it can be called out (compare-dora-windows.ts).
// One index probe: (service_id, day) or (team_key, day) by primary key, (day) for the fleet.
import { readDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import type { DoraScope } from "./resolve-dora-scope";

export async function findDoraHistoryStart(scope: Pick<DoraScope, "teamId" | "serviceId">, db: DbOrTx = readDb()): Promise<Date | null> {
  const table = scope.serviceId !== null ? Prisma.sql`dora_daily_rollups` : Prisma.sql`dora_team_daily_rollups`;
  const service = scope.serviceId !== null ? Prisma.sql`AND service_id = ${scope.serviceId}` : Prisma.empty;
  const team = scope.teamId !== null ? Prisma.sql`AND team_key = ${scope.teamId}` : Prisma.empty;
  const [row] = await db.$queryRaw<{ day: Date | null }[]>`
    SELECT min(day) AS day FROM ${table} WHERE is_production AND deployments > 0 ${service} ${team}`;
  return row?.day ?? null;
}
