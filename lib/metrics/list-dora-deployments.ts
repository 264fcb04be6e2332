// Drill-down of deployment frequency and change failure rate: the production deployments of a
// scope and window (optionally only those counted as failures), newest first, a keyset page at a
// time. `total` is the count the DORA number was computed from, and `groups` (when asked) the same
// rows counted per team or service, both by the database, whichever page is shown.
import { z } from "zod";
import { readDb, type DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { encodeKeysetCursor } from "../api/keyset-cursor";
import { failureSql, productionEnvironmentSql } from "./build-dora-facts-sql";
import type { DoraDeploymentCursor } from "./dora-query";
import { type DrilldownGrouping, drilldownGroupsSchema, listDoraDrilldownGroups } from "./list-dora-drilldown-groups";
import type { DoraRequest } from "./resolve-dora-request";

export const doraDeploymentSchema = z
  .object({
    id: z.number().int(),
    service: z.string(),
    team: z.string().nullable(),
    environment: z.string(),
    cluster: z.string(),
    release: z.string().nullable().meta({ description: "Release version, when known." }),
    releaseId: z.number().int().nullable(),
    status: z.enum(["RUNNING", "SUCCEEDED", "FAILED", "DEGRADED", "ROLLED_BACK"]),
    isFailure: z.boolean().meta({ description: "Counted as a failure under the definitions in force." }),
    startedAt: z.date(),
    finishedAt: z.date().nullable(),
  })
  .meta({ id: "DoraDeployment" });

export const doraDeploymentListSchema = z
  .object({
    total: z.number().int().meta({ description: "All rows of the list, on every page: the count the metric used." }),
    items: z.array(doraDeploymentSchema),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
    groups: drilldownGroupsSchema,
  })
  .meta({ id: "DoraDeploymentList" });

export type DoraDeployment = z.output<typeof doraDeploymentSchema>;
export type DoraDeploymentList = z.output<typeof doraDeploymentListSchema>;

export function doraScopeSql({ scope }: Pick<DoraRequest, "scope">, alias: Prisma.Sql): Prisma.Sql {
  const parts = [Prisma.sql`TRUE`];
  if (scope.serviceId !== null) parts.push(Prisma.sql`${alias}.service_id = ${scope.serviceId}`);
  if (scope.teamId !== null) parts.push(Prisma.sql`${alias}.team_id = ${scope.teamId}`);
  return Prisma.join(parts, " AND ");
}

export async function listDoraDeployments(
  request: DoraRequest,
  {
    failedOnly = false,
    limit = 100,
    cursor,
    group,
  }: { failedOnly?: boolean; limit?: number; cursor?: DoraDeploymentCursor; group?: DrilldownGrouping } = {},
  db: DbOrTx = readDb(),
): Promise<DoraDeploymentList> {
  const { window, definitions } = request;
  const isFailure = failureSql(definitions, Prisma.raw("d"));
  const where = Prisma.sql`
    ${doraScopeSql(request, Prisma.raw("d"))}
    AND d.environment_id IN (SELECT id FROM environments WHERE ${productionEnvironmentSql(definitions)})
    AND d.started_at >= ${window.from} AND d.started_at < ${window.to}
    ${failedOnly ? Prisma.sql`AND ${isFailure}` : Prisma.empty}`;
  const after = cursor ? Prisma.sql`AND (d.started_at, d.id) < (${cursor.startedAt}, ${cursor.id})` : Prisma.empty;
  const [rows, [count], groups] = await Promise.all([
    db.$queryRaw<DoraDeployment[]>`
      SELECT d.id, s.name AS service, t.slug AS team, e.name AS environment, c.name AS cluster,
             r.version AS release, d.release_id AS "releaseId", d.status::text AS status,
             ${isFailure} AS "isFailure", d.started_at AS "startedAt", d.finished_at AS "finishedAt"
      FROM deployments d
      JOIN services s ON s.id = d.service_id
      LEFT JOIN teams t ON t.id = d.team_id
      JOIN environments e ON e.id = d.environment_id
      JOIN clusters c ON c.id = d.cluster_id
      LEFT JOIN releases r ON r.id = d.release_id
      WHERE ${where} ${after}
      ORDER BY d.started_at DESC, d.id DESC
      LIMIT ${limit + 1}`,
    db.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM deployments d WHERE ${where}`,
    group ? listDoraDrilldownGroups(Prisma.sql`SELECT d.service_id, d.team_id FROM deployments d WHERE ${where}`, group, db) : null,
  ]);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    total: count?.total ?? 0,
    items,
    nextCursor: rows.length > limit && last ? encodeKeysetCursor([last.startedAt.toISOString(), last.id]) : null,
    groups,
  };
}
