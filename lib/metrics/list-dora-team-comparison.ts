// Every team's four DORA keys over one window, side by side, with the report's performance level
// of each and a deployment trend per team: the numbers GET /api/v1/metrics/dora?team=… gives for
// each team, read for all teams at once. Counts and means come from the per-team rollups in one
// statement grouped by team and day; the medians from the sample tables in one statement per
// metric grouped by team; so the cost does not grow with one query per team.
import { readDb, type DbOrTx } from "../db/client";
import { classifyDoraTotals, type DoraLevels } from "./classify-dora-performance";
import type { DoraDefinitions } from "./dora-definitions";
import { type DoraWindow, resolveDoraWindow, utcDayKey } from "./dora-window";
import { getDoraDefinitions } from "./get-dora-definitions";
import { type DoraGranularity, type DoraDay, type DoraTotals, buildDoraSeries, doraGranularity, summarizeDora } from "./summarize-dora";
import { sortDoraTeams, type DoraTeamSort } from "./sort-dora-teams";

export type DoraTeamRow = {
  team: { slug: string; name: string };
  current: DoraTotals;
  levels: DoraLevels;
  /** Production deployments and failures per trend bucket (the per-team API's `series`). */
  trend: { start: string; deployments: number; failures: number }[];
};

export type DoraTeamComparison = {
  window: DoraWindow;
  definitions: DoraDefinitions;
  granularity: DoraGranularity;
  sort: DoraTeamSort;
  teams: DoraTeamRow[];
};

export type ListDoraTeamComparisonOptions = { days?: number; from?: Date; to?: Date; now?: Date; granularity?: DoraGranularity; sort?: Partial<DoraTeamSort> };

type TeamDayRow = Omit<DoraDay, "day"> & { teamKey: number; day: Date };
type TeamMedianRow = { teamKey: number; medianMs: number | null };

/** Throws RangeError for an impossible window (the query schema refuses those first). */
export async function listDoraTeamComparison(options: ListDoraTeamComparisonOptions, db: DbOrTx = readDb()): Promise<DoraTeamComparison> {
  const window = resolveDoraWindow(options);
  const granularity = options.granularity ?? doraGranularity(window);
  const from = utcDayKey(window.from);
  const to = utcDayKey(window.to);
  const [teams, definitions, days, lead, restore] = await Promise.all([
    db.team.findMany({ select: { id: true, slug: true, name: true }, orderBy: { slug: "asc" } }),
    getDoraDefinitions(db),
    // The same sums per day as listDoraDays, for every team in one pass over the day range.
    db.$queryRaw<TeamDayRow[]>`/* dora team comparison days */
      SELECT team_key AS "teamKey", day,
             sum(deployments)::int AS "deployments",
             sum(failures)::int AS "failures",
             sum(lead_count)::int AS "leadCount",
             (sum(lead_ms) / 1000.0)::float8 AS "leadSeconds",
             sum(restore_count)::int AS "restoreCount",
             (sum(restore_ms) / 1000.0)::float8 AS "restoreSeconds"
      FROM dora_team_daily_rollups
      WHERE is_production AND day >= ${from}::date AND day < ${to}::date AND team_key <> 0
      GROUP BY team_key, day
      ORDER BY team_key, day`,
    db.$queryRaw<TeamMedianRow[]>`/* dora team comparison lead-time medians */
      SELECT team_key AS "teamKey", percentile_cont(0.5) WITHIN GROUP (ORDER BY lead_ms::float8) AS "medianMs"
      FROM dora_lead_time_samples
      WHERE day >= ${from}::date AND day < ${to}::date AND team_key <> 0
      GROUP BY team_key`,
    db.$queryRaw<TeamMedianRow[]>`/* dora team comparison time-to-restore medians */
      SELECT team_key AS "teamKey", percentile_cont(0.5) WITHIN GROUP (ORDER BY restore_ms::float8) AS "medianMs"
      FROM dora_restore_samples
      WHERE day >= ${from}::date AND day < ${to}::date AND team_key <> 0
      GROUP BY team_key`,
  ]);

  const daysByTeam = new Map<number, DoraDay[]>();
  for (const { teamKey, day, ...sums } of days) {
    const list = daysByTeam.get(teamKey) ?? [];
    list.push({ ...sums, day: utcDayKey(day) });
    daysByTeam.set(teamKey, list);
  }
  const seconds = (rows: TeamMedianRow[]) => new Map(rows.map((row) => [row.teamKey, row.medianMs === null ? null : row.medianMs / 1000]));
  const leadMedians = seconds(lead);
  const restoreMedians = seconds(restore);

  const rows = teams.map((team): DoraTeamRow => {
    const teamDays = daysByTeam.get(team.id) ?? [];
    const current = summarizeDora(teamDays, window, {
      leadTimeMedianSeconds: leadMedians.get(team.id) ?? null,
      restoreMedianSeconds: restoreMedians.get(team.id) ?? null,
    });
    // Medians per bucket are not drawn: the sparkline is deployments, so no map is needed.
    const trend = buildDoraSeries(teamDays, window, new Map(), granularity).map(({ start, deployments, failures }) => ({ start, deployments, failures }));
    return { team: { slug: team.slug, name: team.name }, current, levels: classifyDoraTotals(current), trend };
  });
  const sort = { by: options.sort?.by ?? "team", order: options.sort?.order ?? "asc" } satisfies DoraTeamSort;
  return { window, definitions, granularity, sort, teams: sortDoraTeams(rows, sort) };
}

