// The fleet at a glance, for the home page. Counts per environment come from the current state
// per service and environment (`service_environment_states`, kept by triggers on applications:
// a few thousand rows, not every application); deployment history is touched only to count
// recent rollouts, as one range over the (started_at) index; the change failure rate comes from the DORA
// rollups (lib/metrics), so it costs a few days' rows, not the deployment history.
import { readDb, type DbOrTx } from "../db/client";
import { getChangeFailureRate, type ChangeFailureRate } from "../metrics/get-change-failure-rate";

export type EnvironmentSummary = {
  id: number;
  name: string;
  rank: number;
  isProduction: boolean;
  applications: number;
  healthy: number;
  degraded: number;
  progressing: number;
  outOfSync: number;
};

export type DegradedApplication = {
  id: number;
  name: string;
  namespace: string;
  service: string;
  environment: string;
  isProduction: boolean;
  cluster: string;
  /** When the application's last deployment turned degraded; null when no deployment recorded it. */
  degradedSince: Date | null;
};

export type FleetOverview = {
  /** The instant the counts are relative to. */
  asOf: Date;
  services: number;
  teams: number;
  applications: number;
  degraded: number;
  outOfSync: number;
  deploymentsLast24h: number;
  deploymentsLast7d: number;
  /** Production deployments that failed, over the last `days` days (UTC days, today included). */
  changeFailureRate: ChangeFailureRate & { days: number };
  /** Every environment, ordered by rank, including those without applications. */
  environments: EnvironmentSummary[];
  /** The most recently degraded applications, newest first. */
  recentlyDegraded: DegradedApplication[];
};

export type GetFleetOverviewOptions = {
  now?: Date;
  /** How many degraded applications to list. */
  degradedLimit?: number;
  /** The change failure rate's window in days. */
  changeFailureDays?: number;
};

const HOUR_MS = 3_600_000;

export async function getFleetOverview(
  { now = new Date(), degradedLimit = 10, changeFailureDays = 7 }: GetFleetOverviewOptions = {},
  db: DbOrTx = readDb(),
): Promise<FleetOverview> {
  const since24h = new Date(now.getTime() - 24 * HOUR_MS);
  const since7d = new Date(now.getTime() - 7 * 24 * HOUR_MS);

  // Counts are cast to int: count(*) is bigint, and a fleet has far fewer than 2^31 rows.
  // Soft-deleted applications (deleted_at set) are gone from Argo CD and not counted.
  const [countRows, environments, recentlyDegraded, changeFailureRate] = await Promise.all([
    db.$queryRaw<{ services: number; teams: number; deploymentsLast24h: number; deploymentsLast7d: number }[]>`
      SELECT
        (SELECT count(*) FROM services)::int AS "services",
        (SELECT count(*) FROM teams)::int AS "teams",
        recent."deploymentsLast24h",
        recent."deploymentsLast7d"
      FROM (
        SELECT
          count(*) FILTER (WHERE started_at >= ${since24h})::int AS "deploymentsLast24h",
          count(*)::int AS "deploymentsLast7d"
        FROM deployments
        WHERE started_at >= ${since7d}
      ) AS recent`,
    db.$queryRaw<EnvironmentSummary[]>`
      SELECT
        e.id,
        e.name,
        e.rank,
        e.is_production AS "isProduction",
        coalesce(sum(st.applications), 0)::int AS "applications",
        coalesce(sum(st.healthy), 0)::int AS "healthy",
        coalesce(sum(st.degraded), 0)::int AS "degraded",
        coalesce(sum(st.progressing), 0)::int AS "progressing",
        coalesce(sum(st.out_of_sync), 0)::int AS "outOfSync"
      FROM environments e
      LEFT JOIN service_environment_states st ON st.environment_id = e.id
      GROUP BY e.id
      ORDER BY e.rank, e.name`,
    // The application row has no "health changed at" column, so "since" is the degraded_at of
    // the deployment the application points at (one primary-key join, not a history scan).
    db.$queryRaw<DegradedApplication[]>`
      SELECT
        a.id,
        a.name,
        a.namespace,
        s.name AS "service",
        e.name AS "environment",
        e.is_production AS "isProduction",
        c.name AS "cluster",
        d.degraded_at AS "degradedSince"
      FROM applications a
      JOIN services s ON s.id = a.service_id
      JOIN environments e ON e.id = a.environment_id
      JOIN clusters c ON c.id = a.cluster_id
      LEFT JOIN deployments d ON d.id = a.last_deployment_id
      WHERE a.health_status = 'DEGRADED' AND a.deleted_at IS NULL
      ORDER BY d.degraded_at DESC NULLS LAST, a.id DESC
      LIMIT ${degradedLimit}`,
    getChangeFailureRate({ days: changeFailureDays, now }, db),
  ]);

  const counts = countRows[0] ?? { services: 0, teams: 0, deploymentsLast24h: 0, deploymentsLast7d: 0 };
  const sum = (pick: (environment: EnvironmentSummary) => number) =>
    environments.reduce((total, environment) => total + pick(environment), 0);

  return {
    asOf: now,
    services: counts.services,
    teams: counts.teams,
    // Every application belongs to an environment, so the breakdown sums to the fleet.
    applications: sum((environment) => environment.applications),
    degraded: sum((environment) => environment.degraded),
    outOfSync: sum((environment) => environment.outOfSync),
    deploymentsLast24h: counts.deploymentsLast24h,
    deploymentsLast7d: counts.deploymentsLast7d,
    changeFailureRate: { ...changeFailureRate, days: changeFailureDays },
    environments,
    recentlyDegraded,
  };
}
