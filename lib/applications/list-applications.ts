// Applications and what runs on them now, read only from the current-state columns of
// `applications`. Ordered the way people read a fleet: by service, then environment (by rank),
// then cluster, then application name (id breaks ties between Argo CD instances).
//
// That order spans four tables, so no single index holds it, but its first column does: the
// page walks services in name order (services_name_key), fetches each service's applications
// over (service_id, environment_id) and sorts only within a service (an incremental sort),
// stopping once the page is full. A page costs its own rows plus one service's applications,
// whatever the fleet's size; ordering by id would be as cheap and useless to a reader.
import { z } from "zod";
import { encodeKeysetCursor, keysetCursor } from "../api/keyset-cursor";
import { limitField, nameField, strictQuery, textField } from "../api/query-fields";
import { getDb, type DbOrTx } from "../db/client";
import { containsPattern } from "../db/contains-pattern";
import { Prisma } from "../generated/prisma/client";
import { HealthStatus, OperationPhase, SyncStatus } from "../generated/prisma/enums";

const applicationKey = z
  .tuple([z.string(), z.number().int(), z.string(), z.string(), z.string(), z.number().int().positive()])
  .transform(([service, environmentRank, environment, cluster, name, id]) => ({ service, environmentRank, environment, cluster, name, id }));

export const listApplicationsQuery = z.strictObject(
  {
    service: nameField.optional().meta({ description: "Service name." }),
    team: nameField.optional().meta({ description: "Team slug of the service." }),
    environment: nameField.optional().meta({ description: "Environment name." }),
    cluster: nameField.optional().meta({ description: "Cluster name." }),
    region: nameField.optional().meta({ description: "Cluster region." }),
    health: z.enum(HealthStatus).optional().meta({ description: "Current health." }),
    sync: z.enum(SyncStatus).optional().meta({ description: "Current sync status." }),
    q: textField.optional().meta({ description: "Text anywhere in the application name (case-insensitive)." }),
    limit: limitField(100, 500),
    cursor: keysetCursor(applicationKey).optional(),
  },
  strictQuery,
);

export type ListApplicationsOptions = Partial<z.output<typeof listApplicationsQuery>>;

export const applicationSummarySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    namespace: z.string().meta({ description: "The Argo CD namespace holding the Application." }),
    argoInstance: z.string(),
    service: z.object({ id: z.number().int(), name: z.string() }),
    team: z.string().nullable(),
    environment: z.string(),
    cluster: z.string(),
    region: z.string().nullable(),
    health: z.enum(HealthStatus),
    sync: z.enum(SyncStatus),
    autoSync: z.boolean(),
    release: z
      .object({ id: z.number().int(), version: z.string(), since: z.date().nullable() })
      .nullable()
      .meta({ description: "The release running now, and since when; null until one is identified." }),
    lastOperation: z.object({ phase: z.enum(OperationPhase), at: z.date().nullable() }).nullable(),
  })
  .meta({ id: "ApplicationSummary", description: "One Argo CD Application and what it runs now." });

export type ApplicationSummary = z.output<typeof applicationSummarySchema>;

export const applicationPageSchema = z
  .object({ items: z.array(applicationSummarySchema), nextCursor: z.string().nullable() })
  .meta({ id: "ApplicationPage" });

export type ApplicationPage = z.output<typeof applicationPageSchema>;

export async function listApplications(options: ListApplicationsOptions = {}, db: DbOrTx = getDb()): Promise<ApplicationPage> {
  const limit = options.limit ?? 100;
  const where: Prisma.Sql[] = [Prisma.sql`a.deleted_at IS NULL`];
  if (options.service) where.push(Prisma.sql`s.name = ${options.service}`);
  if (options.team) where.push(Prisma.sql`s.team_id = (SELECT id FROM teams WHERE slug = ${options.team})`);
  if (options.environment) where.push(Prisma.sql`e.name = ${options.environment}`);
  if (options.cluster) where.push(Prisma.sql`c.name = ${options.cluster}`);
  if (options.region) where.push(Prisma.sql`c.region = ${options.region}`);
  if (options.health) where.push(Prisma.sql`a.health_status = ${options.health}::"HealthStatus"`);
  if (options.sync) where.push(Prisma.sql`a.sync_status = ${options.sync}::"SyncStatus"`);
  if (options.q) where.push(Prisma.sql`a.name ILIKE ${containsPattern(options.q)}`);
  const after = options.cursor;
  if (after) {
    // The first conjunct lets the services index start at the cursor's service.
    where.push(Prisma.sql`s.name >= ${after.service}`);
    where.push(Prisma.sql`(s.name, e.rank, e.name, c.name, a.name, a.id) > (${after.service}, ${after.environmentRank}, ${after.environment}, ${after.cluster}, ${after.name}, ${after.id})`);
  }

  const rows = await db.$queryRaw<ApplicationRow[]>`
    SELECT a.id, a.name, a.namespace, ai.name AS argo_instance, s.id AS service_id, s.name AS service_name, t.slug AS team,
      e.name AS environment, e.rank AS environment_rank, c.name AS cluster, c.region,
      a.health_status::text AS health, a.sync_status::text AS sync, a.auto_sync,
      a.current_release_id, r.version AS release_version, a.current_release_since,
      a.last_operation_phase::text AS last_operation_phase, a.last_operation_at
    FROM services s
    JOIN applications a ON a.service_id = s.id
    JOIN environments e ON e.id = a.environment_id
    JOIN clusters c ON c.id = a.cluster_id
    JOIN argo_instances ai ON ai.id = a.argo_instance_id
    LEFT JOIN teams t ON t.id = s.team_id
    LEFT JOIN releases r ON r.id = a.current_release_id
    WHERE ${Prisma.join(where, " AND ")}
    ORDER BY s.name, e.rank, e.name, c.name, a.name, a.id
    LIMIT ${limit + 1}`;

  const items = rows.slice(0, limit).map(
    (row): ApplicationSummary => ({
      id: row.id,
      name: row.name,
      namespace: row.namespace,
      argoInstance: row.argo_instance,
      service: { id: row.service_id, name: row.service_name },
      team: row.team,
      environment: row.environment,
      cluster: row.cluster,
      region: row.region,
      health: row.health,
      sync: row.sync,
      autoSync: row.auto_sync,
      release: row.current_release_id === null ? null : { id: row.current_release_id, version: row.release_version!, since: row.current_release_since },
      lastOperation: row.last_operation_phase === null ? null : { phase: row.last_operation_phase, at: row.last_operation_at },
    }),
  );
  const last = rows[limit - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeKeysetCursor([last.service_name, last.environment_rank, last.environment, last.cluster, last.name, last.id]) : null,
  };
}

type ApplicationRow = {
  id: number;
  name: string;
  namespace: string;
  argo_instance: string;
  service_id: number;
  service_name: string;
  team: string | null;
  environment: string;
  environment_rank: number;
  cluster: string;
  region: string | null;
  health: HealthStatus;
  sync: SyncStatus;
  auto_sync: boolean;
  current_release_id: number | null;
  release_version: string | null;
  current_release_since: Date | null;
  last_operation_phase: OperationPhase | null;
  last_operation_at: Date | null;
};
