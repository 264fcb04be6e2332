// One row per production incident of a scope and range: a failed deployment (failureSql) of an
// application whose previous deployment did not fail, started in the range, with the application's
// next succeeded deployment, which restored it whether it rolled forward to a newer release or
// back to an earlier one. Open incidents have no restoring deployment. The drill-down lists these
// rows; the refresher stores the restored ones of its services in dora_restore_samples, which the
// median is taken over. The same rule as the `incidents` part of build-dora-facts-sql.ts, whose
// sums the rollups keep for counts and means.
import { Prisma } from "../generated/prisma/client";
import { failureSql, productionEnvironmentSql } from "./build-dora-facts-sql";
import type { DoraDefinitions } from "./dora-definitions";
import type { DoraWindow } from "./dora-window";
import { doraScopeSql } from "./list-dora-deployments";
import type { DoraRequest } from "./resolve-dora-request";

/**
 * Columns: failed_deployment_id, service_id, team_id, environment_id, cluster_id, status, started_at,
 * failed_at, restoring_deployment_id, restored_at, restored_by ('rollback' | 'roll-forward' | null),
 * restore_ms (null while open).
 */
export function buildDoraIncidentsSql(request: Pick<DoraRequest, "scope" | "definitions">, range: Pick<DoraWindow, "from" | "to">): Prisma.Sql {
  return incidentsSql(
    request.definitions,
    Prisma.sql`${doraScopeSql(request, Prisma.raw("o"))} AND o.started_at >= ${range.from} AND o.started_at < ${range.to}`,
  );
}

/** The same rows for every deployment of the given services (all services when null), at any time. */
export function buildServiceDoraIncidentsSql(definitions: DoraDefinitions, serviceIds: number[] | null): Prisma.Sql {
  return incidentsSql(definitions, serviceIds === null ? Prisma.sql`TRUE` : Prisma.sql`o.service_id = ANY(${serviceIds}::int[])`);
}

/** `failed`: a condition on deployment `o`. */
function incidentsSql(definitions: DoraDefinitions, failed: Prisma.Sql): Prisma.Sql {
  const failedAt = Prisma.sql`coalesce(o.degraded_at, o.finished_at, o.started_at)`;
  return Prisma.sql`
    SELECT o.id AS failed_deployment_id, o.service_id, o.team_id, o.environment_id, o.cluster_id, o.status::text AS status, o.started_at,
           ${failedAt} AS failed_at,
           r.id AS restoring_deployment_id, r.restored_at,
           CASE WHEN r.id IS NULL THEN NULL WHEN r.is_rollback THEN 'rollback' ELSE 'roll-forward' END AS restored_by,
           -- greatest() skips NULLs: without the CASE an open incident would take 0 ms.
           CASE WHEN r.id IS NOT NULL THEN round(greatest(0, extract(epoch FROM r.restored_at - ${failedAt})) * 1000)::bigint END AS restore_ms
    FROM deployments o
    LEFT JOIN LATERAL (
      SELECT n.id, n.is_rollback, coalesce(n.healthy_at, n.finished_at, n.started_at) AS restored_at
      FROM deployments n
      WHERE n.application_id = o.application_id AND (n.started_at, n.id) > (o.started_at, o.id) AND n.status = 'SUCCEEDED'
      ORDER BY n.started_at, n.id
      LIMIT 1
    ) r ON true
    WHERE ${failed}
      AND o.environment_id IN (SELECT id FROM environments WHERE ${productionEnvironmentSql(definitions)})
      AND ${failureSql(definitions, Prisma.raw("o"))}
      AND (
        SELECT ${failureSql(definitions, Prisma.raw("p"))}
        FROM deployments p
        WHERE p.application_id = o.application_id AND (p.started_at, p.id) < (o.started_at, o.id)
        ORDER BY p.started_at DESC, p.id DESC
        LIMIT 1
      ) IS NOT TRUE`;
}
