// Services by name, a keyset page at a time, with owner, repository, tier and how many of
// their applications are in each health state now (from the current-state columns of
// `applications`). The page walks the unique index on services.name; the counts are one
// index lookup per service on the page. Text search is ILIKE over the name: a fleet has a few
// thousand services, so a trigram index would buy nothing measurable.
import { z } from "zod";
import { encodeKeysetCursor, keysetCursor } from "../api/keyset-cursor";
import { limitField, nameField, strictQuery, textField } from "../api/query-fields";
import { readDb, type DbOrTx } from "../db/client";
import { containsPattern } from "../db/contains-pattern";
import { Prisma } from "../generated/prisma/client";

export const listServicesQuery = z.strictObject(
  {
    team: nameField.optional().meta({ description: "Team slug." }),
    q: textField.optional().meta({ description: "Text anywhere in the service name (case-insensitive)." }),
    limit: limitField(50, 200),
    cursor: keysetCursor(z.tuple([z.string()]).transform(([name]) => ({ name }))).optional(),
  },
  strictQuery,
);

export type ListServicesOptions = Partial<z.output<typeof listServicesQuery>>;

export const teamSchema = z.object({ slug: z.string(), name: z.string() }).meta({ id: "Team" });

const count = z.number().int().nonnegative();

export const applicationCountsSchema = z
  .object({
    total: count,
    outOfSync: count,
    byHealth: z.object({ HEALTHY: count, PROGRESSING: count, DEGRADED: count, SUSPENDED: count, MISSING: count, UNKNOWN: count }),
  })
  .meta({ id: "ApplicationCounts", description: "The service's applications (not deleted from Argo CD) by current health." });

export const serviceSummarySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    team: teamSchema.nullable(),
    repository: z.string().nullable().meta({ description: 'GitHub "owner/name".' }),
    tier: z.number().int(),
    applications: applicationCountsSchema,
  })
  .meta({ id: "ServiceSummary" });

export type ServiceSummary = z.output<typeof serviceSummarySchema>;

export const servicePageSchema = z
  .object({ items: z.array(serviceSummarySchema), nextCursor: z.string().nullable() })
  .meta({ id: "ServicePage" });

export type ServicePage = z.output<typeof servicePageSchema>;

export async function listServices(options: ListServicesOptions = {}, db: DbOrTx = readDb()): Promise<ServicePage> {
  const limit = options.limit ?? 50;
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (options.team) where.push(Prisma.sql`s.team_id = (SELECT id FROM teams WHERE slug = ${options.team})`);
  if (options.q) where.push(Prisma.sql`s.name ILIKE ${containsPattern(options.q)}`);
  if (options.cursor) where.push(Prisma.sql`s.name > ${options.cursor.name}`);

  const rows = await db.$queryRaw<ServiceRow[]>`
    SELECT s.id, s.name, s.repository, s.tier, t.slug AS team_slug, t.name AS team_name, counts.*
    FROM (
      SELECT * FROM services s WHERE ${Prisma.join(where, " AND ")} ORDER BY s.name LIMIT ${limit + 1}
    ) s
    LEFT JOIN teams t ON t.id = s.team_id
    CROSS JOIN LATERAL (${applicationCountsSql(Prisma.sql`s.id`)}) counts
    ORDER BY s.name`;

  const items = rows.slice(0, limit).map(
    (row): ServiceSummary => ({
      id: row.id,
      name: row.name,
      team: row.team_slug === null ? null : { slug: row.team_slug, name: row.team_name! },
      repository: row.repository,
      tier: row.tier,
      applications: toApplicationCounts(row),
    }),
  );
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeKeysetCursor([last.name]) : null };
}

type ServiceRow = ApplicationCountsRow & {
  id: number;
  name: string;
  repository: string | null;
  tier: number;
  team_slug: string | null;
  team_name: string | null;
};

export type ApplicationCountsRow = {
  total: number;
  out_of_sync: number;
  healthy: number;
  progressing: number;
  degraded: number;
  suspended: number;
  missing: number;
  unknown: number;
};

/** Counts of one service's live applications, over the (service_id, environment_id) index. */
export function applicationCountsSql(serviceId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT
      count(*)::int AS total,
      count(*) FILTER (WHERE a.sync_status = 'OUT_OF_SYNC')::int AS out_of_sync,
      count(*) FILTER (WHERE a.health_status = 'HEALTHY')::int AS healthy,
      count(*) FILTER (WHERE a.health_status = 'PROGRESSING')::int AS progressing,
      count(*) FILTER (WHERE a.health_status = 'DEGRADED')::int AS degraded,
      count(*) FILTER (WHERE a.health_status = 'SUSPENDED')::int AS suspended,
      count(*) FILTER (WHERE a.health_status = 'MISSING')::int AS missing,
      count(*) FILTER (WHERE a.health_status = 'UNKNOWN')::int AS unknown
    FROM applications a
    WHERE a.service_id = ${serviceId} AND a.deleted_at IS NULL`;
}

export function toApplicationCounts(row: ApplicationCountsRow): z.output<typeof applicationCountsSchema> {
  return {
    total: row.total,
    outOfSync: row.out_of_sync,
    byHealth: {
      HEALTHY: row.healthy,
      PROGRESSING: row.progressing,
      DEGRADED: row.degraded,
      SUSPENDED: row.suspended,
      MISSING: row.missing,
      UNKNOWN: row.unknown,
    },
  };
}
