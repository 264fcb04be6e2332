// Drill-down of time to restore: each production incident that started in the window (the first
// failed deployment of a run of failures of one application) with the deployment that restored
// it and how long that took. Open incidents are listed too; only restored ones count in the mean.
import { z } from "zod";
import { readDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { productionEnvironmentSql } from "./build-dora-facts-sql";
import { doraScopeSql } from "./list-dora-deployments";
import type { DoraRequest } from "./resolve-dora-request";

export const doraIncidentSchema = z
  .object({
    failedDeploymentId: z.number().int(),
    service: z.string(),
    environment: z.string(),
    cluster: z.string(),
    status: z.string().meta({ description: "The failed deployment's status." }),
    failedAt: z.date().meta({ description: "When it degraded, else finished, else started." }),
    restoringDeploymentId: z.number().int().nullable(),
    restoredAt: z.date().nullable().meta({ description: "When the next succeeded deployment turned healthy (else finished); null while open." }),
    restoreSeconds: z.number().nullable(),
  })
  .meta({ id: "DoraIncident" });

export const doraIncidentListSchema = z
  .object({ total: z.number().int(), restored: z.number().int(), items: z.array(doraIncidentSchema) })
  .meta({ id: "DoraIncidentList" });

export type DoraIncident = z.output<typeof doraIncidentSchema>;
export type DoraIncidentList = z.output<typeof doraIncidentListSchema>;

export async function listDoraIncidents(request: DoraRequest, { limit = 100 }: { limit?: number } = {}, db: DbOrTx = readDb()): Promise<DoraIncidentList> {
  const { window, definitions } = request;
  const failures = definitions.failureStatuses;
  const incidents = Prisma.sql`
    SELECT o.id AS "failedDeploymentId", s.name AS service, e.name AS environment, c.name AS cluster, o.status::text AS status,
           coalesce(o.degraded_at, o.finished_at, o.started_at) AS "failedAt",
           r.id AS "restoringDeploymentId", r.restored_at AS "restoredAt",
           round(greatest(0, extract(epoch FROM r.restored_at - coalesce(o.degraded_at, o.finished_at, o.started_at))) * 1000)::bigint AS restore_ms,
           o.started_at
    FROM deployments o
    JOIN services s ON s.id = o.service_id
    JOIN environments e ON e.id = o.environment_id
    JOIN clusters c ON c.id = o.cluster_id
    LEFT JOIN LATERAL (
      SELECT n.id, coalesce(n.healthy_at, n.finished_at, n.started_at) AS restored_at
      FROM deployments n
      WHERE n.application_id = o.application_id AND (n.started_at, n.id) > (o.started_at, o.id) AND n.status = 'SUCCEEDED'
      ORDER BY n.started_at, n.id
      LIMIT 1
    ) r ON true
    WHERE ${doraScopeSql(request, Prisma.raw("o"))}
      AND o.environment_id IN (SELECT id FROM environments WHERE ${productionEnvironmentSql(definitions)})
      AND o.status::text = ANY(${failures}::text[])
      AND o.started_at >= ${window.from} AND o.started_at < ${window.to}
      AND (
        SELECT p.status::text = ANY(${failures}::text[])
        FROM deployments p
        WHERE p.application_id = o.application_id AND (p.started_at, p.id) < (o.started_at, o.id)
        ORDER BY p.started_at DESC, p.id DESC
        LIMIT 1
      ) IS NOT TRUE`;
  const [items, [count]] = await Promise.all([
    db.$queryRaw<(Omit<DoraIncident, "restoreSeconds"> & { restore_ms: bigint | null; started_at: Date })[]>`
      SELECT * FROM (${incidents}) x ORDER BY x.started_at DESC, x."failedDeploymentId" DESC LIMIT ${limit}`,
    db.$queryRaw<{ total: number; restored: number }[]>`
      SELECT count(*)::int AS total, count("restoringDeploymentId")::int AS restored FROM (${incidents}) x`,
  ]);
  return {
    total: count?.total ?? 0,
    restored: count?.restored ?? 0,
    items: items.map(({ restore_ms, started_at: _started, ...item }) => ({ ...item, restoreSeconds: restore_ms === null ? null : Number(restore_ms) / 1000 })),
  };
}
