// Median lead time and median time to restore (the DORA report's measure) for a window, the
// window before it and each trend bucket. Medians cannot be added up from daily rollups, so they
// are taken with percentile_cont over the same rows the drill-downs list
// (build-lead-time-samples-sql.ts, build-dora-incidents-sql.ts), one statement per metric over
// both windows; counts and means keep coming from the rollups (list-dora-days.ts).
import { readDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { buildDoraIncidentsSql } from "./build-dora-incidents-sql";
import { buildLeadTimeSamplesSql } from "./build-lead-time-samples-sql";
import { type DoraWindow, previousDoraWindow, utcDayKey } from "./dora-window";
import type { DoraRequest } from "./resolve-dora-request";
import { type DoraGranularity, type DoraMedians, NO_MEDIANS } from "./summarize-dora";

export type DoraMedianSet = {
  current: DoraMedians;
  previous: DoraMedians;
  /** By the bucket's first day (2026-11-01); buckets without samples are absent. */
  buckets: Map<string, DoraMedians>;
};

type MedianRow = { key: string | null; median_ms: number | null };

export async function listDoraMedians(
  request: Pick<DoraRequest, "scope" | "definitions" | "window">,
  granularity: DoraGranularity,
  db: DbOrTx = readDb(),
): Promise<DoraMedianSet> {
  const { window } = request;
  const range = { from: previousDoraWindow(window).from, to: window.to };
  const [lead, restore] = await Promise.all([
    db.$queryRaw<MedianRow[]>(
      medianByPeriodSql(
        "dora lead-time medians",
        Prisma.sql`SELECT lead_ms AS ms, deployment_started_at AS at FROM (${buildLeadTimeSamplesSql(request, range)}) s`,
        window,
        granularity,
      ),
    ),
    db.$queryRaw<MedianRow[]>(
      medianByPeriodSql(
        "dora time-to-restore medians",
        Prisma.sql`SELECT restore_ms AS ms, started_at AS at FROM (${buildDoraIncidentsSql(request, range)}) s WHERE restore_ms IS NOT NULL`,
        window,
        granularity,
      ),
    ),
  ]);
  const set: DoraMedianSet = { current: { ...NO_MEDIANS }, previous: { ...NO_MEDIANS }, buckets: new Map() };
  const put = (rows: MedianRow[], field: keyof DoraMedians) => {
    for (const row of rows) {
      if (row.key === null || row.median_ms === null) continue;
      const seconds = row.median_ms / 1000;
      if (row.key === "current" || row.key === "previous") set[row.key][field] = seconds;
      else set.buckets.set(row.key, { ...(set.buckets.get(row.key) ?? NO_MEDIANS), [field]: seconds });
    }
  };
  put(lead, "leadTimeMedianSeconds");
  put(restore, "restoreMedianSeconds");
  return set;
}

/**
 * `samples` (columns ms, at) → one row per window ('current', 'previous') and one per trend bucket
 * of the current window (its first day), each with the median of ms. A sample belongs to the UTC
 * day `at` falls on, as in the rollups.
 */
function medianByPeriodSql(name: "dora lead-time medians" | "dora time-to-restore medians", samples: Prisma.Sql, window: DoraWindow, granularity: DoraGranularity): Prisma.Sql {
  const from = utcDayKey(window.from);
  const step = granularity === "day" ? 1 : 7;
  // The leading comment names the statement in pg_stat_statements and slow-query logs.
  return Prisma.sql`/* ${Prisma.raw(name)} */
    SELECT CASE WHEN GROUPING(p.current) = 0 THEN CASE WHEN p.current THEN 'current' ELSE 'previous' END
                ELSE to_char(p.bucket, 'YYYY-MM-DD') END AS key,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY p.ms::float8) AS median_ms
    FROM (
      SELECT d.ms, d.day >= ${from}::date AS current,
             CASE WHEN d.day >= ${from}::date THEN ${from}::date + ((d.day - ${from}::date) / ${step}::int) * ${step}::int END AS bucket
      FROM (SELECT x.ms, (x.at AT TIME ZONE 'UTC')::date AS day FROM (${samples}) x) d
    ) p
    GROUP BY GROUPING SETS ((p.current), (p.bucket))`;
}
