// Median lead time and median time to restore (the DORA report's measure) for a window, the
// window before it and each trend bucket. Medians cannot be added up from daily rollups, so they
// are taken with percentile_cont over the per-sample tables the refresher keeps beside the
// rollups (replace-dora-samples.ts): an index range of small rows by scope and day, one statement
// per metric over both windows. Counts and means keep coming from the rollups (list-dora-days.ts).
import { readDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { type DoraWindow, previousDoraWindow, utcDayKey } from "./dora-window";
import type { DoraRequest } from "./resolve-dora-request";
import type { DoraScope } from "./resolve-dora-scope";
import { type DoraGranularity, type DoraMedians, NO_MEDIANS } from "./summarize-dora";

export type DoraMedianSet = {
  current: DoraMedians;
  previous: DoraMedians;
  /** By the bucket's first day (2026-11-01); buckets without samples are absent. */
  buckets: Map<string, DoraMedians>;
};

export type DoraMedianRow = { key: string | null; median_ms: number | null };

export async function listDoraMedians(
  request: Pick<DoraRequest, "scope" | "window">,
  granularity: DoraGranularity,
  db: DbOrTx = readDb(),
): Promise<DoraMedianSet> {
  const { window } = request;
  const from = utcDayKey(previousDoraWindow(window).from);
  const to = utcDayKey(window.to);
  const scope = sampleScopeSql(request.scope);
  const [lead, restore] = await Promise.all([
    db.$queryRaw<DoraMedianRow[]>(
      doraMediansByPeriodSql(
        "dora lead-time medians",
        Prisma.sql`SELECT lead_ms AS ms, day FROM dora_lead_time_samples WHERE day >= ${from}::date AND day < ${to}::date ${scope}`,
        window,
        granularity,
      ),
    ),
    db.$queryRaw<DoraMedianRow[]>(
      doraMediansByPeriodSql(
        "dora time-to-restore medians",
        Prisma.sql`SELECT restore_ms AS ms, day FROM dora_restore_samples WHERE day >= ${from}::date AND day < ${to}::date ${scope}`,
        window,
        granularity,
      ),
    ),
  ]);
  return toDoraMedianSet(lead, restore);
}

/** As the drill-downs scope deployments: by the sample's service, and by its deployment's team. */
function sampleScopeSql(scope: Pick<DoraScope, "teamId" | "serviceId">): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (scope.serviceId !== null) parts.push(Prisma.sql`AND service_id = ${scope.serviceId}`);
  if (scope.teamId !== null) parts.push(Prisma.sql`AND team_key = ${scope.teamId}`);
  return parts.length === 0 ? Prisma.empty : Prisma.join(parts, " ");
}

export function toDoraMedianSet(lead: DoraMedianRow[], restore: DoraMedianRow[]): DoraMedianSet {
  const set: DoraMedianSet = { current: { ...NO_MEDIANS }, previous: { ...NO_MEDIANS }, buckets: new Map() };
  const put = (rows: DoraMedianRow[], field: keyof DoraMedians) => {
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
 * `samples` (columns ms, day: the UTC day as a date, within the previous and the current window)
 * → one row per window ('current', 'previous') and one per trend bucket of the current window
 * (its first day), each with the median of ms. Each window's samples are sorted once (FILTER) and
 * each bucket's once: no grouping-set pass sorting everything again.
 */
export function doraMediansByPeriodSql(
  name: "dora lead-time medians" | "dora time-to-restore medians",
  samples: Prisma.Sql,
  window: DoraWindow,
  granularity: DoraGranularity,
): Prisma.Sql {
  const from = utcDayKey(window.from);
  const step = granularity === "day" ? 1 : 7;
  // The leading comment names the statement in pg_stat_statements and slow-query logs.
  return Prisma.sql`/* ${Prisma.raw(name)} */
    SELECT w.key, w.median_ms
    FROM (
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d.ms::float8) FILTER (WHERE d.day >= ${from}::date) AS current,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY d.ms::float8) FILTER (WHERE d.day < ${from}::date) AS previous
      FROM (${samples}) d
    ) m
    CROSS JOIN LATERAL (VALUES ('current', m.current), ('previous', m.previous)) w (key, median_ms)
    UNION ALL
    SELECT to_char(${from}::date + ((d.day - ${from}::date) / ${step}::int) * ${step}::int, 'YYYY-MM-DD') AS key,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY d.ms::float8) AS median_ms
    FROM (${samples}) d
    WHERE d.day >= ${from}::date
    GROUP BY 1`;
}
