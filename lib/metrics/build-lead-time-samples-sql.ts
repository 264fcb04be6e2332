// One row per lead-time sample of a scope and range: a commit a release added, on the release's
// first succeeded production deployment when that deployment started in the range. The drill-down
// lists these rows and the refresher stores the same rows of its services in
// dora_lead_time_samples, which the median is taken over, so the two cannot disagree; the same
// rule as the `lead` part of build-dora-facts-sql.ts, whose sums the rollups keep for counts and means.
import { Prisma } from "../generated/prisma/client";
import { leadTimeStartSql, productionEnvironmentSql } from "./build-dora-facts-sql";
import type { DoraDefinitions } from "./dora-definitions";
import type { DoraWindow } from "./dora-window";
import { doraScopeSql } from "./list-dora-deployments";
import type { DoraRequest } from "./resolve-dora-request";

/**
 * Columns: deployment_id, release_id, service_id, team_id, environment_id, commit_id, deployment_started_at,
 * lead_started_at (commit or merge time), reached_at, lead_ms (whole milliseconds, never negative).
 * Commits are aliased `c` for callers that want more of them.
 */
export function buildLeadTimeSamplesSql(request: Pick<DoraRequest, "scope" | "definitions">, range: Pick<DoraWindow, "from" | "to">): Prisma.Sql {
  return leadTimeSamplesSql(
    request.definitions,
    Prisma.sql`${doraScopeSql(request, Prisma.raw("d"))} AND d.started_at >= ${range.from} AND d.started_at < ${range.to}`,
  );
}

/** The same rows for every deployment of the given services (all services when null), at any time. */
export function buildServiceLeadTimeSamplesSql(definitions: DoraDefinitions, serviceIds: number[] | null): Prisma.Sql {
  return leadTimeSamplesSql(definitions, serviceIds === null ? Prisma.sql`TRUE` : Prisma.sql`d.service_id = ANY(${serviceIds}::int[])`);
}

/** `candidates`: a condition on deployment `d`. */
function leadTimeSamplesSql(definitions: DoraDefinitions, candidates: Prisma.Sql): Prisma.Sql {
  const production = productionEnvironmentSql(definitions);
  const leadStart = leadTimeStartSql(definitions);
  // Candidates: succeeded production deployments in scope and range. The first production
  // deployment of each candidate's release is looked for among that release's deployments only
  // (index on release_id; it may lie outside scope and range), not by hashing every production
  // deployment: the work follows the window, not the size of the table.
  return Prisma.sql`
    WITH candidates AS (
      SELECT d.id, d.release_id, d.service_id, d.team_id, d.environment_id, d.started_at, coalesce(d.finished_at, d.started_at) AS reached_at
      FROM deployments d
      WHERE ${candidates}
        AND d.environment_id IN (SELECT id FROM environments WHERE ${production})
        AND d.phase = 'SUCCEEDED' AND d.release_id IS NOT NULL
    ),
    firsts AS (
      SELECT DISTINCT ON (e.release_id) e.id
      FROM deployments e
      WHERE e.release_id IN (SELECT release_id FROM candidates) AND e.phase = 'SUCCEEDED'
        AND e.environment_id IN (SELECT id FROM environments WHERE ${production})
      ORDER BY e.release_id, coalesce(e.finished_at, e.started_at), e.id
    )
    SELECT fp.id AS deployment_id, fp.release_id, fp.service_id, fp.team_id, fp.environment_id, c.id AS commit_id, fp.started_at AS deployment_started_at,
           ${leadStart} AS lead_started_at, fp.reached_at,
           round(greatest(0, extract(epoch FROM fp.reached_at - ${leadStart})) * 1000)::bigint AS lead_ms
    FROM candidates fp
    JOIN firsts f ON f.id = fp.id
    JOIN release_commits rc ON rc.release_id = fp.release_id
    JOIN commits c ON c.id = rc.commit_id`;
}
