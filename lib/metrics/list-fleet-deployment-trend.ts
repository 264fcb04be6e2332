// Deployments and failures per UTC day across the whole fleet (every environment), for the
// fleet page's trend chart, from the per-team rollups. Days without deployments are zeros;
// a failure is what the DORA definitions say.
import { readDb, type DbOrTx } from "../db/client";
import { addDays, resolveDoraWindow, utcDayKey } from "./dora-window";

export type FleetTrendDay = { day: string; deployments: number; failures: number; productionDeployments: number };

export async function listFleetDeploymentTrend(
  { days = 30, now }: { days?: number; now?: Date } = {},
  db: DbOrTx = readDb(),
): Promise<FleetTrendDay[]> {
  const window = resolveDoraWindow({ days, now });
  const rows = await db.$queryRaw<FleetTrendDay[]>`
    SELECT to_char(day, 'YYYY-MM-DD') AS "day",
           sum(deployments)::int AS "deployments",
           sum(failures)::int AS "failures",
           (sum(deployments) FILTER (WHERE is_production))::int AS "productionDeployments"
    FROM dora_team_daily_rollups
    WHERE day >= ${utcDayKey(window.from)}::date AND day < ${utcDayKey(window.to)}::date
    GROUP BY day`;
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const trend: FleetTrendDay[] = [];
  for (let day = window.from; day < window.to; day = addDays(day, 1)) {
    const key = utcDayKey(day);
    trend.push(byDay.get(key) ?? { day: key, deployments: 0, failures: 0, productionDeployments: 0 });
  }
  return trend;
}
