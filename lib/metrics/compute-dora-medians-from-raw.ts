// DORA medians straight from the rows the drill-downs list (build-lead-time-samples-sql.ts,
// build-dora-incidents-sql.ts) instead of the sample tables: the oracle listDoraMedians is tested
// against and the baseline it is measured against. Slow on a large fleet by design.
import { getDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { buildDoraIncidentsSql } from "./build-dora-incidents-sql";
import { buildLeadTimeSamplesSql } from "./build-lead-time-samples-sql";
import { previousDoraWindow } from "./dora-window";
import { type DoraMedianRow, type DoraMedianSet, doraMediansByPeriodSql, toDoraMedianSet } from "./list-dora-medians";
import type { DoraRequest } from "./resolve-dora-request";
import type { DoraGranularity } from "./summarize-dora";

export async function computeDoraMediansFromRaw(
  request: Pick<DoraRequest, "scope" | "definitions" | "window">,
  granularity: DoraGranularity,
  db: DbOrTx = getDb(),
): Promise<DoraMedianSet> {
  const { window } = request;
  const range = { from: previousDoraWindow(window).from, to: window.to };
  const day = (at: Prisma.Sql) => Prisma.sql`(${at} AT TIME ZONE 'UTC')::date`;
  const [lead, restore] = await Promise.all([
    db.$queryRaw<DoraMedianRow[]>(
      doraMediansByPeriodSql(
        "dora lead-time medians",
        Prisma.sql`SELECT s.lead_ms AS ms, ${day(Prisma.raw("s.deployment_started_at"))} AS day FROM (${buildLeadTimeSamplesSql(request, range)}) s`,
        window,
        granularity,
      ),
    ),
    db.$queryRaw<DoraMedianRow[]>(
      doraMediansByPeriodSql(
        "dora time-to-restore medians",
        Prisma.sql`SELECT s.restore_ms AS ms, ${day(Prisma.raw("s.started_at"))} AS day FROM (${buildDoraIncidentsSql(request, range)}) s WHERE s.restore_ms IS NOT NULL`,
        window,
        granularity,
      ),
    ),
  ]);
  return toDoraMedianSet(lead, restore);
}
