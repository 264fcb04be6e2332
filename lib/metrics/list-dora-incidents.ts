// Drill-down of time to restore: each production incident that started in the window (the first
// failed deployment of a run of failures of one application) with the deployment that restored
// it, how (rolled forward or back) and how long that took: the rows the median is computed over
// (build-dora-incidents-sql.ts). Open incidents are listed too; only restored ones count. Newest
// first, a keyset page at a time; counts (and `groups`, when asked) cover every page.
import { z } from "zod";
import { readDb, type DbOrTx } from "../db/client";
import { encodeKeysetCursor } from "../api/keyset-cursor";
import { Prisma } from "../generated/prisma/client";
import { buildDoraIncidentsSql } from "./build-dora-incidents-sql";
import type { DoraIncidentCursor } from "./dora-query";
import { type DrilldownGrouping, drilldownGroupsSchema, listDoraDrilldownGroups } from "./list-dora-drilldown-groups";
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
    restoredBy: z
      .enum(["roll-forward", "rollback"])
      .nullable()
      .meta({ description: "rollback: the restoring deployment put back an earlier release; roll-forward: any other succeeded deployment; null while open." }),
    restoreSeconds: z.number().nullable(),
  })
  .meta({ id: "DoraIncident" });

export const doraIncidentListSchema = z
  .object({
    total: z.number().int().meta({ description: "Incidents on every page, open ones included." }),
    restored: z.number().int().meta({ description: "Of those, the restored ones: the samples of the median." }),
    items: z.array(doraIncidentSchema),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
    groups: drilldownGroupsSchema,
  })
  .meta({ id: "DoraIncidentList" });

export type DoraIncident = z.output<typeof doraIncidentSchema>;
export type DoraIncidentList = z.output<typeof doraIncidentListSchema>;

export async function listDoraIncidents(
  request: DoraRequest,
  { limit = 100, cursor, group }: { limit?: number; cursor?: DoraIncidentCursor; group?: DrilldownGrouping } = {},
  db: DbOrTx = readDb(),
): Promise<DoraIncidentList> {
  const incidents = buildDoraIncidentsSql(request, request.window);
  const after = cursor ? Prisma.sql`WHERE (x.started_at, x.failed_deployment_id) < (${cursor.startedAt}, ${cursor.failedDeploymentId})` : Prisma.empty;
  const [rows, [count], groups] = await Promise.all([
    db.$queryRaw<(Omit<DoraIncident, "restoreSeconds"> & { restore_ms: bigint | null; started_at: Date })[]>`
      SELECT x.failed_deployment_id AS "failedDeploymentId", s.name AS service, e.name AS environment, c.name AS cluster, x.status,
             x.failed_at AS "failedAt", x.restoring_deployment_id AS "restoringDeploymentId", x.restored_at AS "restoredAt",
             x.restored_by AS "restoredBy", x.restore_ms, x.started_at
      FROM (${incidents}) x
      JOIN services s ON s.id = x.service_id
      JOIN environments e ON e.id = x.environment_id
      JOIN clusters c ON c.id = x.cluster_id
      ${after}
      ORDER BY x.started_at DESC, x.failed_deployment_id DESC
      LIMIT ${limit + 1}`,
    db.$queryRaw<{ total: number; restored: number }[]>`
      SELECT count(*)::int AS total, count(x.restoring_deployment_id)::int AS restored FROM (${incidents}) x`,
    group ? listDoraDrilldownGroups(incidents, group, db) : null,
  ]);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    total: count?.total ?? 0,
    restored: count?.restored ?? 0,
    items: page.map(({ restore_ms, started_at: _startedAt, ...item }) => ({ ...item, restoreSeconds: restore_ms === null ? null : Number(restore_ms) / 1000 })),
    nextCursor: rows.length > limit && last ? encodeKeysetCursor([last.started_at.toISOString(), last.failedDeploymentId]) : null,
    groups,
  };
}
