// Deployments and failures per UTC day across the whole fleet (every environment), for the
// fleet page's trend chart. Days without deployments are present with zeros.
import { getDb, type DbOrTx } from "../db/client";
import { addDays, resolveDoraWindow, utcDayKey } from "./dora-window";
import { getDoraDefinitions } from "./get-dora-definitions";

export type FleetTrendDay = { day: string; deployments: number; failures: number; productionDeployments: number };

export async function listFleetDeploymentTrend(
  { days = 30, now }: { days?: number; now?: Date } = {},
  db: DbOrTx = getDb(),
): Promise<FleetTrendDay[]> {
  const window = resolveDoraWindow({ days, now });
  const definitions = await getDoraDefinitions(db);
  // TODO(rollups): read the fleet rollup instead of deployments.
  const rows = await db.$queryRaw<FleetTrendDay[]>`
    SELECT to_char((d.started_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS "day",
           count(*)::int AS "deployments",
           count(*) FILTER (WHERE d.status::text = ANY(${definitions.failureStatuses}::text[]))::int AS "failures",
           count(*) FILTER (WHERE e.is_production)::int AS "productionDeployments"
    FROM deployments d JOIN environments e ON e.id = d.environment_id
    WHERE d.started_at >= ${window.from} AND d.started_at < ${window.to}
    GROUP BY 1`;
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const trend: FleetTrendDay[] = [];
  for (let day = window.from; day < window.to; day = addDays(day, 1)) {
    const key = utcDayKey(day);
    trend.push(byDay.get(key) ?? { day: key, deployments: 0, failures: 0, productionDeployments: 0 });
  }
  return trend;
}
