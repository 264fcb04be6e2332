// One row per deployment with what it contributes to the DORA metrics under the given
// definitions. The rollup refresher groups these rows by day; computeDoraFromRaw groups them
// for a window directly, so both share one meaning and the rollup can be checked against it.
//
// - deployments / failures: every deployment, bucketed by the UTC day it started; a failure is
//   what failureSql says under the definitions.
// - lead time: on the first production deployment of a release whose sync succeeded (the moment
//   the release reached production), one sample per commit the release added: reached − commit
//   time (or the merge time of the commit's pull request, when chosen and known), never negative.
// - time to restore: on the first failed production deployment of a run of failures of one
//   application, the time from the failure to the application's next succeeded deployment, be it
//   a newer release (rolled forward) or an earlier one (rolled back). Incidents not restored yet
//   are not counted. A deployment that degraded and turned healthy again by itself has the status
//   SUCCEEDED: no failure, no incident.
//
// `scope` filters deployments by service (never by time: a release's first production
// deployment and an application's previous deployment may lie before any window).
import { Prisma } from "../generated/prisma/client";
import type { DoraDefinitions } from "./dora-definitions";

export type DoraFactRow = {
  id: number;
  day: Date;
  serviceId: number;
  teamId: number | null;
  environmentId: number;
  isProduction: boolean;
  isFailure: boolean;
  leadCount: number;
  /** Whole milliseconds, so sums are exact in any order (the rollups add and subtract them). */
  leadMs: bigint;
  restoreCount: number;
  restoreMs: bigint;
};

/** A condition on `environments` (no alias): the environments counted as production. */
export function productionEnvironmentSql(definitions: DoraDefinitions): Prisma.Sql {
  return definitions.productionEnvironments === null
    ? Prisma.sql`is_production`
    : Prisma.sql`name = ANY(${definitions.productionEnvironments}::text[])`;
}

/**
 * A condition on deployment `alias`: counted as a failure under the definitions. A deployment has
 * one status (a failed sync stays FAILED; one replaced by an earlier release becomes ROLLED_BACK
 * even when it had degraded first), so when rolled-back deployments are not counted by themselves,
 * one that degraded before its rollback still counts as degraded.
 */
export function failureSql(definitions: DoraDefinitions, alias: Prisma.Sql): Prisma.Sql {
  const statuses = definitions.failureStatuses;
  const degradedThenRolledBack =
    statuses.includes("DEGRADED") && !statuses.includes("ROLLED_BACK")
      ? Prisma.sql` OR (${alias}.status = 'ROLLED_BACK' AND ${alias}.degraded_at IS NOT NULL)`
      : Prisma.empty;
  // Compared as the enum, not as text, so the (status, started_at) index can find the failures.
  return Prisma.sql`(${alias}.status = ANY(${statuses}::"DeploymentStatus"[])${degradedThenRolledBack})`;
}

/** Where lead time starts for commit `c`: its commit time, or its pull request's merge time. */
export function leadTimeStartSql(definitions: DoraDefinitions): Prisma.Sql {
  return definitions.leadTimeStart === "merge"
    ? Prisma.sql`coalesce((
        SELECT min(pr.merged_at) FROM pull_requests pr
        WHERE pr.merged_at IS NOT NULL
          AND (pr.id IN (SELECT prc.pull_request_id FROM pull_request_commits prc WHERE prc.commit_id = c.id)
               OR (pr.merge_commit_sha = c.sha AND pr.repository = c.repository))
      ), c.committed_at)`
    : Prisma.sql`c.committed_at`;
}

export function buildDoraFactsSql(definitions: DoraDefinitions, scope: Prisma.Sql): Prisma.Sql {
  const production = productionEnvironmentSql(definitions);
  const leadStart = leadTimeStartSql(definitions);
  return Prisma.sql`
    WITH production_environments AS (SELECT id FROM environments WHERE ${production}),
    scoped AS (
      SELECT x.id, x.application_id, x.service_id, x.team_id, x.environment_id, x.release_id, x.phase,
             x.status, x.started_at, x.finished_at, x.healthy_at, x.degraded_at,
             ${failureSql(definitions, Prisma.raw("x"))} AS is_failure,
             x.environment_id IN (SELECT id FROM production_environments) AS is_production
      FROM deployments x
      WHERE ${scope}
    ),
    first_production AS (
      SELECT DISTINCT ON (release_id) id, release_id, coalesce(finished_at, started_at) AS reached_at
      FROM scoped
      WHERE is_production AND phase = 'SUCCEEDED' AND release_id IS NOT NULL
      ORDER BY release_id, coalesce(finished_at, started_at), id
    ),
    lead AS (
      SELECT fp.id,
             count(*)::int AS lead_count,
             sum(round(greatest(0, extract(epoch FROM fp.reached_at - ${leadStart})) * 1000))::bigint AS lead_ms
      FROM first_production fp
      JOIN release_commits rc ON rc.release_id = fp.release_id
      JOIN commits c ON c.id = rc.commit_id
      GROUP BY fp.id
    ),
    ordered AS (
      SELECT s.*, lag(s.is_failure) OVER (PARTITION BY s.application_id ORDER BY s.started_at, s.id) AS previous_failed
      FROM scoped s
    ),
    incidents AS (
      SELECT o.id,
             round(greatest(0, extract(epoch FROM r.restored_at - coalesce(o.degraded_at, o.finished_at, o.started_at))) * 1000)::bigint AS restore_ms
      FROM ordered o
      CROSS JOIN LATERAL (
        SELECT coalesce(n.healthy_at, n.finished_at, n.started_at) AS restored_at
        FROM deployments n
        WHERE n.application_id = o.application_id
          AND (n.started_at, n.id) > (o.started_at, o.id)
          AND n.status = 'SUCCEEDED'
        ORDER BY n.started_at, n.id
        LIMIT 1
      ) r
      WHERE o.is_production AND o.is_failure AND o.previous_failed IS NOT TRUE
    )
    SELECT s.id,
           (s.started_at AT TIME ZONE 'UTC')::date AS "day",
           s.service_id AS "serviceId",
           s.team_id AS "teamId",
           s.environment_id AS "environmentId",
           s.is_production AS "isProduction",
           s.is_failure AS "isFailure",
           coalesce(l.lead_count, 0)::int AS "leadCount",
           coalesce(l.lead_ms, 0)::bigint AS "leadMs",
           (i.id IS NOT NULL)::int AS "restoreCount",
           coalesce(i.restore_ms, 0)::bigint AS "restoreMs"
    FROM scoped s
    LEFT JOIN lead l ON l.id = s.id
    LEFT JOIN incidents i ON i.id = s.id`;
}
