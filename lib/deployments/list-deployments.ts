// The fleet's deployment timeline, newest first, one keyset page at a time. Names in the
// filters are resolved to ids first, so the page itself is one range over one of the
// (x_id, started_at DESC, id DESC) indexes of `deployments` (service, team, environment,
// cluster, status; the plain (started_at DESC, id DESC) one otherwise) and stops after
// `limit + 1` rows; no filter ever sorts the whole history. docs/api.md has the EXPLAINs.
import { z } from "zod";
import { keysetCursor, encodeKeysetCursor } from "../api/keyset-cursor";
import { enumListField, instantField, limitField, nameField, strictQuery, textField } from "../api/query-fields";
import { getDb, readDb, type DbOrTx } from "../db/client";
import { containsPattern } from "../db/contains-pattern";
import { Prisma } from "../generated/prisma/client";
import { DeploymentStatus, OperationPhase } from "../generated/prisma/enums";

const deploymentKey = z
  .tuple([z.iso.datetime(), z.number().int().positive()])
  .transform(([startedAt, id]) => ({ startedAt: new Date(startedAt), id }));

const deploymentStatuses = Object.values(DeploymentStatus) as [DeploymentStatus, ...DeploymentStatus[]];

export const listDeploymentsQuery = z
  .strictObject(
    {
      service: nameField.optional().meta({ description: "Service name." }),
      team: nameField.optional().meta({ description: "Team slug (the team that owned the service when it deployed)." }),
      environment: nameField.optional().meta({ description: "Environment name (dev, staging, prod, …)." }),
      cluster: nameField.optional().meta({ description: "Cluster name." }),
      region: nameField.optional().meta({ description: "Cluster region, e.g. eu-west-1." }),
      status: enumListField(deploymentStatuses)
        .optional()
        .meta({ description: `Deployment status, or several separated by commas (\`FAILED,DEGRADED\`): ${deploymentStatuses.join(", ")}.` }),
      initiatedBy: nameField.optional().meta({ description: "Who started the sync (Argo CD user), exactly; automated syncs have none." }),
      from: instantField.optional().meta({ description: "Started at or after this instant (ISO 8601)." }),
      to: instantField.optional().meta({ description: "Started before this instant (ISO 8601)." }),
      q: textField.optional().meta({ description: "Text in the service name, the application name or the release version (case-insensitive)." }),
      limit: limitField(50, 200),
      cursor: keysetCursor(deploymentKey).optional(),
    },
    strictQuery,
  )
  .refine((query) => !query.from || !query.to || query.from < query.to, { path: ["to"], message: "must be after from" });

export type ListDeploymentsOptions = Partial<z.output<typeof listDeploymentsQuery>>;

export const deploymentSummarySchema = z
  .object({
    id: z.number().int(),
    status: z.enum(DeploymentStatus),
    phase: z.enum(OperationPhase),
    startedAt: z.date(),
    finishedAt: z.date().nullable(),
    healthyAt: z.date().nullable().meta({ description: "When the application first reported healthy after this sync." }),
    service: z.object({ id: z.number().int(), name: z.string() }),
    team: z.string().nullable().meta({ description: "Team slug at the time of the deployment." }),
    application: z.object({ id: z.number().int(), name: z.string() }),
    environment: z.string(),
    cluster: z.string(),
    region: z.string().nullable(),
    release: z.object({ id: z.number().int(), version: z.string() }).nullable(),
    initiatedBy: z.string().nullable(),
    automated: z.boolean(),
    isRollback: z.boolean().meta({ description: "This deployment put back an earlier release." }),
    rolledBackById: z.number().int().nullable().meta({ description: "The deployment that replaced this one with an earlier release." }),
  })
  .meta({ id: "DeploymentSummary", description: "One sync operation of one application." });

export type DeploymentSummary = z.output<typeof deploymentSummarySchema>;

export const deploymentPageSchema = z
  .object({
    items: z.array(deploymentSummarySchema),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ id: "DeploymentPage" });

export type DeploymentPage = z.output<typeof deploymentPageSchema>;

// Later pages may come from a read replica (DATABASE_REPLICA_URLS); the first page stays on the
// primary, because the timeline re-reads it the moment the worker announces a deployment, and a
// lagging replica would not have it yet.
export async function listDeployments(options: ListDeploymentsOptions = {}, db: DbOrTx = options.cursor ? readDb() : getDb()): Promise<DeploymentPage> {
  const limit = options.limit ?? 50;
  const [ids, text] = await Promise.all([resolveNames(db, options), options.q ? matchText(db, options.q) : undefined]);
  if (ids === null || text === null) return { items: [], nextCursor: null };

  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (ids.serviceId !== undefined) where.push(Prisma.sql`d.service_id = ${ids.serviceId}`);
  if (ids.teamId !== undefined) where.push(Prisma.sql`d.team_id = ${ids.teamId}`);
  if (ids.environmentId !== undefined) where.push(Prisma.sql`d.environment_id = ${ids.environmentId}`);
  if (ids.clusterIds !== undefined) {
    // One cluster is an equality the (cluster_id, started_at, id) index can range over.
    where.push(ids.clusterIds.length === 1 ? Prisma.sql`d.cluster_id = ${ids.clusterIds[0]}` : Prisma.sql`d.cluster_id = ANY(${ids.clusterIds}::int[])`);
  }
  const statuses = options.status ?? [];
  if (statuses.length === 1) where.push(Prisma.sql`d.status = ${statuses[0]}::"DeploymentStatus"`);
  if (options.initiatedBy) where.push(Prisma.sql`d.initiated_by = ${options.initiatedBy}`);
  if (options.from) where.push(Prisma.sql`d.started_at >= ${options.from}`);
  if (options.to) where.push(Prisma.sql`d.started_at < ${options.to}`);
  if (text) where.push(text);
  if (options.cursor) where.push(Prisma.sql`(d.started_at, d.id) < (${options.cursor.startedAt}, ${options.cursor.id})`);

  // The page is chosen from `deployments` alone, then joined: the joins touch limit + 1 rows.
  // Several statuses are one bounded range per status (status = $1 uses the status index in
  // order; status = ANY($1) would read every match and sort), merged and cut to the page.
  const page =
    statuses.length > 1
      ? Prisma.sql`
        SELECT d.* FROM unnest(${statuses}::text[]::"DeploymentStatus"[]) AS wanted(status)
        CROSS JOIN LATERAL (
          SELECT * FROM deployments d
          WHERE d.status = wanted.status AND ${Prisma.join(where, " AND ")}
          ORDER BY d.started_at DESC, d.id DESC
          LIMIT ${limit + 1}
        ) d
        ORDER BY d.started_at DESC, d.id DESC
        LIMIT ${limit + 1}`
      : Prisma.sql`
        SELECT * FROM deployments d
        WHERE ${Prisma.join(where, " AND ")}
        ORDER BY d.started_at DESC, d.id DESC
        LIMIT ${limit + 1}`;
  const rows = await db.$queryRaw<DeploymentSummaryRow[]>`
    SELECT ${deploymentSummaryColumns}
    FROM (${page}) d
    ${deploymentSummaryJoins}
    ORDER BY d.started_at DESC, d.id DESC`;

  const items = rows.slice(0, limit).map(toDeploymentSummary);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeKeysetCursor([last.startedAt.toISOString(), last.id]) : null,
  };
}

type ResolvedNames = { serviceId?: number; teamId?: number; environmentId?: number; clusterIds?: number[] };

/** Filter names as ids; null when a named service, team, environment or cluster does not exist. */
async function resolveNames(db: DbOrTx, options: ListDeploymentsOptions): Promise<ResolvedNames | null> {
  const { service, team, environment, cluster, region } = options;
  if (!service && !team && !environment && !cluster && !region) return {};
  const [row] = await db.$queryRaw<{ service_id: number | null; team_id: number | null; environment_id: number | null; cluster_ids: number[] | null }[]>`
    SELECT
      (SELECT id FROM services WHERE name = ${service ?? null}) AS service_id,
      (SELECT id FROM teams WHERE slug = ${team ?? null}) AS team_id,
      (SELECT id FROM environments WHERE name = ${environment ?? null}) AS environment_id,
      (SELECT array_agg(id ORDER BY id) FROM clusters
        WHERE (${cluster ?? null}::text IS NULL OR name = ${cluster ?? null})
          AND (${region ?? null}::text IS NULL OR region = ${region ?? null})) AS cluster_ids`;
  if (!row) return null;
  if ((service && row.service_id === null) || (team && row.team_id === null) || (environment && row.environment_id === null)) return null;
  if ((cluster || region) && row.cluster_ids === null) return null;
  return {
    serviceId: row.service_id ?? undefined,
    teamId: row.team_id ?? undefined,
    environmentId: row.environment_id ?? undefined,
    clusterIds: cluster || region ? row.cluster_ids! : undefined,
  };
}

/** At most this many matching names are passed as ids; a commoner text is matched in place. */
const MAX_TEXT_MATCHES = 2000;

/**
 * The text filter as a condition on deployments, or null when nothing matches. A text that
 * matches few services, applications and releases becomes id lists, so the planner sees how
 * rare it is and reads those ids' deployments by index (bitmap, then a sort of a few rows)
 * instead of walking the whole timeline looking for them; a common text stays a sub-select,
 * and the walk down the (started_at, id) index fills a page after a few thousand rows.
 */
async function matchText(db: DbOrTx, q: string): Promise<Prisma.Sql | null> {
  const pattern = containsPattern(q);
  const [match] = await db.$queryRaw<{ service_ids: number[]; application_ids: number[]; release_ids: number[] }[]>`
    SELECT
      ARRAY(SELECT id FROM services WHERE name ILIKE ${pattern} LIMIT ${MAX_TEXT_MATCHES + 1}) AS service_ids,
      ARRAY(SELECT id FROM applications WHERE name ILIKE ${pattern} LIMIT ${MAX_TEXT_MATCHES + 1}) AS application_ids,
      ARRAY(SELECT id FROM releases WHERE version ILIKE ${pattern} LIMIT ${MAX_TEXT_MATCHES + 1}) AS release_ids`;
  const { service_ids: services, application_ids: applications, release_ids: releases } = match!;
  if (services.length + applications.length + releases.length === 0) return null;
  if (Math.max(services.length, applications.length, releases.length) > MAX_TEXT_MATCHES) {
    return Prisma.sql`(
      d.service_id IN (SELECT id FROM services WHERE name ILIKE ${pattern})
      OR d.application_id IN (SELECT id FROM applications WHERE name ILIKE ${pattern})
      OR d.release_id IN (SELECT id FROM releases WHERE version ILIKE ${pattern}))`;
  }
  return Prisma.sql`(d.service_id = ANY(${services}::int[]) OR d.application_id = ANY(${applications}::int[]) OR d.release_id = ANY(${releases}::int[]))`;
}

// Shared with getService's recent deployments and getRelease's rollout: one row shape, one mapping.
export const deploymentSummaryColumns = Prisma.sql`
  d.id, d.status::text AS status, d.phase::text AS phase, d.started_at, d.finished_at, d.healthy_at,
  d.service_id, s.name AS service_name, t.slug AS team, d.application_id, a.name AS application_name,
  e.name AS environment, c.name AS cluster, c.region, d.release_id, r.version AS release_version,
  d.initiated_by, d.automated, d.is_rollback, d.rolled_back_by_id`;

// One primary-key lookup per row and name. As plain joins, PostgreSQL hashed all 5,000
// services (a sequential scan) to name a page of 51 rows: ≈ 0.5 ms idle, 8–10 ms on busy cores,
// most of the page's cost and the noise in "a deep page against the first". OFFSET 0 keeps each
// lateral subquery from being flattened back into a join the planner may hash (columns nobody
// reads are dropped from `*`; getDeployment reads more of them).
export const deploymentSummaryJoins = Prisma.sql`
  JOIN LATERAL (SELECT * FROM applications WHERE id = d.application_id OFFSET 0) a ON TRUE
  JOIN LATERAL (SELECT * FROM services WHERE id = d.service_id OFFSET 0) s ON TRUE
  LEFT JOIN LATERAL (SELECT * FROM teams WHERE id = d.team_id OFFSET 0) t ON TRUE
  JOIN LATERAL (SELECT * FROM environments WHERE id = d.environment_id OFFSET 0) e ON TRUE
  JOIN LATERAL (SELECT * FROM clusters WHERE id = d.cluster_id OFFSET 0) c ON TRUE
  LEFT JOIN LATERAL (SELECT * FROM releases WHERE id = d.release_id OFFSET 0) r ON TRUE`;

export type DeploymentSummaryRow = {
  id: number;
  status: DeploymentStatus;
  phase: OperationPhase;
  started_at: Date;
  finished_at: Date | null;
  healthy_at: Date | null;
  service_id: number;
  service_name: string;
  team: string | null;
  application_id: number;
  application_name: string;
  environment: string;
  cluster: string;
  region: string | null;
  release_id: number | null;
  release_version: string | null;
  initiated_by: string | null;
  automated: boolean;
  is_rollback: boolean;
  rolled_back_by_id: number | null;
};

export function toDeploymentSummary(row: DeploymentSummaryRow): DeploymentSummary {
  return {
    id: row.id,
    status: row.status,
    phase: row.phase,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    healthyAt: row.healthy_at,
    service: { id: row.service_id, name: row.service_name },
    team: row.team,
    application: { id: row.application_id, name: row.application_name },
    environment: row.environment,
    cluster: row.cluster,
    region: row.region,
    release: row.release_id === null ? null : { id: row.release_id, version: row.release_version! },
    initiatedBy: row.initiated_by,
    automated: row.automated,
    isRollback: row.is_rollback,
    rolledBackById: row.rolled_back_by_id,
  };
}
