// DORA days straight from the deployments, commits and pull requests: the oracle the rollups are
// tested against and the baseline they are benchmarked against. Slow on a large fleet by design.
import { getDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { buildDoraFactsSql } from "./build-dora-facts-sql";
import type { DoraDefinitions } from "./dora-definitions";
import { type DoraWindow, utcDayKey } from "./dora-window";
import type { DoraScope } from "./resolve-dora-scope";
import type { DoraDay } from "./summarize-dora";

/** Production days with their sums in [from, to), only days with something in them. */
export async function computeDoraDaysFromRaw(
  scope: Pick<DoraScope, "teamId" | "serviceId">,
  range: Pick<DoraWindow, "from" | "to">,
  definitions: DoraDefinitions,
  db: DbOrTx = getDb(),
): Promise<DoraDay[]> {
  // Facts are computed per whole service (a release's first production deployment may belong to
  // another team's row after a team change); the team filter applies to the facts afterwards.
  const serviceScope =
    scope.serviceId !== null
      ? Prisma.sql`x.service_id = ${scope.serviceId}`
      : scope.teamId !== null
        ? Prisma.sql`x.service_id IN (SELECT DISTINCT service_id FROM deployments WHERE team_id = ${scope.teamId})`
        : Prisma.sql`true`;
  const teamFilter = scope.teamId !== null ? Prisma.sql`AND f."teamId" = ${scope.teamId}` : Prisma.empty;
  const rows = await db.$queryRaw<(Omit<DoraDay, "day"> & { day: Date })[]>`
    SELECT f."day",
           count(*)::int AS "deployments",
           count(*) FILTER (WHERE f."isFailure")::int AS "failures",
           sum(f."leadCount")::int AS "leadCount",
           (sum(f."leadMs") / 1000.0)::float8 AS "leadSeconds",
           sum(f."restoreCount")::int AS "restoreCount",
           (sum(f."restoreMs") / 1000.0)::float8 AS "restoreSeconds"
    FROM (${buildDoraFactsSql(definitions, serviceScope)}) f
    WHERE f."isProduction" AND f."day" >= ${utcDayKey(range.from)}::date AND f."day" < ${utcDayKey(range.to)}::date ${teamFilter}
    GROUP BY f."day"
    ORDER BY f."day"`;
  return rows.map((row) => ({ ...row, day: utcDayKey(row.day) }));
}
