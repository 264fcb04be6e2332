// The fleet health matrix, one window of rows at a time: services × environments, grouped by
// team, environment, cluster or region, searched by name and filtered to degraded, out-of-sync
// or skewed rows. Built for 5,000 services / 100,000 applications (timings in docs/api.md):
//   1. headers: the row count of every group. Without grouping or by team this counts
//      `services`; grouping by where applications run (or a filter) aggregates live
//      applications once. Callers that page through one view (the API, while a user scrolls)
//      may reuse headers for a few seconds (`headersMaxAgeMs`);
//   2. the window: only the groups it overlaps are read, each numbered by service name, so a
//      window deep in the list costs what the first one does;
//   3. cells: only the window's services have their applications read, over the
//      (service_id, environment_id) index; health and skew are derived in derive-fleet-cell.ts.
import { z } from "zod";
import { getDb, type DbOrTx } from "../db/client";
import { containsPattern } from "../db/contains-pattern";
import { Prisma } from "../generated/prisma/client";
import { deriveFleetCell, describeEnvironmentSkew, fleetCellSchema, type CellApplications, type FleetCell, type Health } from "./derive-fleet-cell";
import type { FleetGroup, FleetMatrixOptions, FleetOnly } from "./fleet-matrix-query";

const count = z.number().int().nonnegative();

export const fleetMatrixRowSchema = z
  .object({
    key: z.string().meta({ description: "Unique within the view: the group key and the service name." }),
    group: z.string().nullable().meta({ description: "The key of the row's group (null without grouping)." }),
    service: z.string(),
    team: z.object({ slug: z.string(), name: z.string() }).nullable(),
    scope: z
      .object({ cluster: z.string().optional(), region: z.string().optional() })
      .meta({ description: "Under cluster or region grouping: the cluster or region whose applications the row's cells count." }),
    cells: z.array(fleetCellSchema.nullable()).meta({ description: "One per environment of `environments`, in that order; null where the service runs nothing." }),
    environmentSkew: z.string().nullable().meta({ description: 'Environments run different versions: which runs what ("staging runs 1.4.0, prod runs 1.3.9"); null when all agree.' }),
  })
  .meta({ id: "FleetMatrixRow" });

export type FleetMatrixRow = z.output<typeof fleetMatrixRowSchema>;

export const fleetGroupHeaderSchema = z.object({ key: z.string(), label: z.string(), rows: count }).meta({ id: "FleetGroupHeader" });

export const fleetMatrixSchema = z
  .object({
    total: count.meta({ description: "Rows in the whole matrix for this group, q and only." }),
    offset: count,
    limit: count,
    environments: z.array(z.object({ name: z.string(), isProduction: z.boolean() })).meta({ description: "The matrix's columns, dev → prod." }),
    groups: z
      .array(fleetGroupHeaderSchema)
      .meta({ description: "Every group in order, with its row count (empty without grouping). Rows are numbered from 0 across groups in this order." }),
    rows: z.array(fleetMatrixRowSchema).meta({ description: "Rows offset … offset+limit−1." }),
  })
  .meta({ id: "FleetMatrix" });

export type FleetMatrix = z.output<typeof fleetMatrixSchema>;

export type ListFleetMatrixSettings = {
  /** Reuse group headers computed this recently for the same view (0: always count afresh). */
  headersMaxAgeMs?: number;
};

type Topology = {
  environments: { id: number; name: string; rank: number; isProduction: boolean }[];
  clusters: { id: number; name: string; region: string | null }[];
  teams: { slug: string; name: string }[];
};

type Headers = { total: number; groups: { key: string; label: string; rows: number }[] };

type WindowRow = { gkey: string; position: number; service_id: number; service: string; team_slug: string | null; team_name: string | null };

type ApplicationGroupRow = {
  service_id: number;
  environment_id: number;
  cluster_id: number;
  health: Health;
  out_of_sync: boolean;
  version: string | null;
  version_seen_at: Date | null;
  applications: number;
};

export async function listFleetMatrix(
  options: Partial<FleetMatrixOptions> = {},
  db: DbOrTx = getDb(),
  { headersMaxAgeMs = 0 }: ListFleetMatrixSettings = {},
): Promise<FleetMatrix> {
  const group = options.group ?? "none";
  const offset = options.offset ?? 0;
  const limit = options.limit ?? 100;
  const pairs = pairsSql(group, options.q, options.only);

  const topologyRead = readTopology(db);
  const [topology, headers] = await Promise.all([
    topologyRead,
    cachedHeaders(`${group}\u0000${options.q ?? ""}\u0000${options.only ?? ""}`, headersMaxAgeMs, () => countGroups(db, pairs, group, topologyRead)),
  ]);

  // The slice of each group the window covers, as 1-based positions within the group.
  const slices: { key: string; first: number; last: number }[] = [];
  let start = 0;
  for (const header of headers.groups) {
    const end = start + header.rows;
    const first = Math.max(offset, start);
    const last = Math.min(offset + limit, end);
    if (first < last) slices.push({ key: header.key, first: first - start + 1, last: last - start });
    start = end;
  }

  // One bounded query per group the window overlaps (usually one or two): each walks only
  // its group's rows in name order, so the cost does not grow with the offset's group count.
  const window =
    slices.length === 0
      ? []
      : await db.$queryRaw<WindowRow[]>`
          SELECT w.gkey, w.position, w.service_id, s.name AS service, t.slug AS team_slug, t.name AS team_name
          FROM (${Prisma.join(
            slices.map(
              (slice) => Prisma.sql`(
                SELECT ${slice.key}::text AS gkey, (${slice.first - 1} + row_number() OVER (ORDER BY s.name, s.id))::int AS position, s.id AS service_id
                FROM (${pairsSql(group, options.q, options.only, slice.key)}) p
                JOIN services s ON s.id = p.service_id
                ORDER BY s.name, s.id
                OFFSET ${slice.first - 1} LIMIT ${slice.last - slice.first + 1})`,
            ),
            " UNION ALL ",
          )}) w
          JOIN services s ON s.id = w.service_id
          LEFT JOIN teams t ON t.id = s.team_id`;

  // Back into the groups' order, then the database's name order within each group.
  const groupOrder = new Map(headers.groups.map((header, index) => [header.key, index]));
  window.sort((a, b) => groupOrder.get(a.gkey)! - groupOrder.get(b.gkey)! || a.position - b.position);

  const serviceIds = [...new Set(window.map((row) => row.service_id))];
  // Cells count applications per cluster only where a row is one cluster's or region's; else
  // a cell's applications are grouped by health, sync and release alone (fewer rows to ship).
  const scoped = group === "cluster" || group === "region";
  const applications =
    serviceIds.length === 0
      ? []
      : await db.$queryRaw<ApplicationGroupRow[]>`
          SELECT a.service_id, a.environment_id, ${scoped ? Prisma.sql`a.cluster_id` : Prisma.sql`0`} AS cluster_id,
                 a.health_status::text AS health, a.sync_status = 'OUT_OF_SYNC' AS out_of_sync,
                 r.version, r.first_seen_at AS version_seen_at, count(*)::int AS applications
          FROM applications a
          LEFT JOIN releases r ON r.id = a.current_release_id
          WHERE a.service_id IN (${Prisma.join(serviceIds)}) AND a.deleted_at IS NULL
          GROUP BY 1, 2, 3, a.health_status, a.sync_status, r.version, r.first_seen_at`;

  const byService = new Map<number, ApplicationGroupRow[]>();
  for (const row of applications) {
    const list = byService.get(row.service_id);
    if (list) list.push(row);
    else byService.set(row.service_id, [row]);
  }
  const clusterById = new Map(topology.clusters.map((cluster) => [cluster.id, cluster]));

  const rows = window.map((row): FleetMatrixRow => {
    const inScope = (byService.get(row.service_id) ?? []).filter((application) => {
      if (group === "cluster") return String(application.cluster_id) === row.gkey;
      if (group === "region") return (clusterById.get(application.cluster_id)?.region ?? "") === row.gkey;
      return true;
    });
    const cells = topology.environments.map((environment): FleetCell | null => {
      const here = inScope.filter((application) => application.environment_id === environment.id);
      return here.length === 0
        ? null
        : deriveFleetCell(
            environment.name,
            here.map(
              (application): CellApplications => ({
                health: application.health,
                outOfSync: application.out_of_sync,
                version: application.version,
                versionSeenAt: application.version_seen_at,
                count: application.applications,
              }),
            ),
          );
    });
    const scopeCluster = group === "cluster" ? clusterById.get(Number(row.gkey))?.name : undefined;
    return {
      key: `${row.gkey}/${row.service}`,
      group: group === "none" ? null : row.gkey,
      service: row.service,
      team: row.team_slug === null ? null : { slug: row.team_slug, name: row.team_name ?? row.team_slug },
      scope: scopeCluster ? { cluster: scopeCluster } : group === "region" && row.gkey !== "" ? { region: row.gkey } : {},
      cells,
      environmentSkew: describeEnvironmentSkew(cells),
    };
  });

  return {
    total: headers.total,
    offset,
    limit,
    environments: topology.environments.map(({ name, isProduction }) => ({ name, isProduction })),
    groups: group === "none" ? [] : headers.groups,
    rows,
  };
}

/** Group labels in code-point order: stable whatever the database's collation. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function readTopology(db: DbOrTx): Promise<Topology> {
  const [environments, clusters, teams] = await Promise.all([
    db.environment.findMany({ select: { id: true, name: true, rank: true, isProduction: true }, orderBy: [{ rank: "asc" }, { name: "asc" }] }),
    db.cluster.findMany({ select: { id: true, name: true, region: true } }),
    db.team.findMany({ select: { slug: true, name: true } }),
  ]);
  return { environments, clusters, teams };
}

async function countGroups(db: DbOrTx, pairs: Prisma.Sql, group: FleetGroup, topologyRead: Promise<Topology>): Promise<Headers> {
  const [counts, topology] = await Promise.all([
    db.$queryRaw<{ gkey: string; rows: number }[]>`SELECT p.gkey, count(*)::int AS rows FROM (${pairs}) p GROUP BY p.gkey`,
    topologyRead,
  ]);
  const labelled = counts.map(({ gkey, rows }) => ({ key: gkey, rows, ...groupLabel(group, gkey, topology) }));
  // Groups without a name ("No team", "No region") come last.
  labelled.sort((a, b) => Number(a.key === "") - Number(b.key === "") || a.rank - b.rank || compareText(a.label, b.label) || compareText(a.key, b.key));
  return {
    total: labelled.reduce((sum, header) => sum + header.rows, 0),
    groups: labelled.map(({ key, label, rows }) => ({ key, label, rows })),
  };
}

function groupLabel(group: FleetGroup, key: string, topology: Topology): { label: string; rank: number } {
  switch (group) {
    case "none":
      return { label: "", rank: 0 };
    case "team":
      return { label: key === "" ? "No team" : (topology.teams.find((team) => team.slug === key)?.name ?? key), rank: 0 };
    case "environment": {
      const environment = topology.environments.find((candidate) => String(candidate.id) === key);
      return { label: environment?.name ?? key, rank: environment?.rank ?? 0 };
    }
    case "cluster":
      return { label: topology.clusters.find((cluster) => String(cluster.id) === key)?.name ?? key, rank: 0 };
    case "region":
      return { label: key === "" ? "No region" : key, rank: 0 };
  }
}

/**
 * The matrix's rows before windowing: (gkey, service_id), one per row. Grouping by team (or
 * not at all) reads services, narrowed by a filter's matching services; grouping by where
 * applications run aggregates live applications, a filter narrowing them first where it can
 * (degraded and out-of-sync applications each have an index).
 */
function pairsSql(group: FleetGroup, q: string | undefined, only: FleetOnly | undefined, inGroup?: string): Prisma.Sql {
  const named = q ? Prisma.sql`AND s.name ILIKE ${containsPattern(q)}` : Prisma.empty;
  if (group === "none" || group === "team") {
    const gkey = group === "none" ? Prisma.sql`''` : Prisma.sql`coalesce((SELECT slug FROM teams WHERE id = s.team_id), '')`;
    const flagged = only === undefined ? Prisma.empty : Prisma.sql`AND s.id IN (${flaggedServicesSql(only)})`;
    const restrict =
      group === "none" || inGroup === undefined
        ? Prisma.empty
        : inGroup === ""
          ? Prisma.sql`AND s.team_id IS NULL`
          : Prisma.sql`AND s.team_id = (SELECT id FROM teams WHERE slug = ${inGroup})`;
    return Prisma.sql`SELECT ${gkey} AS gkey, s.id AS service_id FROM services s WHERE TRUE ${named} ${flagged} ${restrict}`;
  }
  const gkey =
    group === "environment" ? Prisma.sql`a.environment_id::text` : group === "cluster" ? Prisma.sql`a.cluster_id::text` : Prisma.sql`coalesce(c.region, '')`;
  const clusters = group === "region" ? Prisma.sql`JOIN clusters c ON c.id = a.cluster_id` : Prisma.empty;
  const services = q ? Prisma.sql`AND a.service_id IN (SELECT s.id FROM services s WHERE TRUE ${named})` : Prisma.empty;
  // Restricted to one group, on the raw column so its index can serve.
  const restrict =
    inGroup === undefined
      ? Prisma.empty
      : group === "environment"
        ? Prisma.sql`AND a.environment_id = ${Number(inGroup)}`
        : group === "cluster"
          ? Prisma.sql`AND a.cluster_id = ${Number(inGroup)}`
          : Prisma.sql`AND coalesce(c.region, '') = ${inGroup}`;
  return Prisma.sql`
    SELECT ${gkey} AS gkey, a.service_id
    FROM applications a ${clusters}
    WHERE a.deleted_at IS NULL ${services} ${applicationFilterSql(only)} ${restrict}
    GROUP BY 1, 2
    ${only === "skewed" ? Prisma.sql`HAVING min(a.current_release_id) <> max(a.current_release_id)` : Prisma.empty}`;
}

function applicationFilterSql(only: FleetOnly | undefined): Prisma.Sql {
  if (only === "degraded") return Prisma.sql`AND a.health_status = 'DEGRADED'`;
  if (only === "out-of-sync") return Prisma.sql`AND a.sync_status = 'OUT_OF_SYNC'`;
  return Prisma.empty;
}

/**
 * Services with a degraded or out-of-sync application, or running more than one release
 * (some cell's clusters disagree, or some environments do; min <> max needs no sort).
 */
function flaggedServicesSql(only: FleetOnly): Prisma.Sql {
  if (only === "skewed") {
    return Prisma.sql`SELECT a.service_id FROM applications a WHERE a.deleted_at IS NULL GROUP BY a.service_id HAVING min(a.current_release_id) <> max(a.current_release_id)`;
  }
  return Prisma.sql`SELECT a.service_id FROM applications a WHERE a.deleted_at IS NULL ${applicationFilterSql(only)}`;
}

// ---------------------------------------------------------------- header cache

const headerCache = new Map<string, { at: number; value: Promise<Headers> }>();
const HEADER_CACHE_ENTRIES = 200;

async function cachedHeaders(key: string, maxAgeMs: number, compute: () => Promise<Headers>): Promise<Headers> {
  if (maxAgeMs <= 0) return compute();
  const now = Date.now();
  const hit = headerCache.get(key);
  if (hit && now - hit.at <= maxAgeMs) return hit.value;
  const value = compute();
  headerCache.set(key, { at: now, value });
  // A failed count is not remembered.
  value.catch(() => headerCache.delete(key));
  if (headerCache.size > HEADER_CACHE_ENTRIES) headerCache.delete(headerCache.keys().next().value!);
  return value;
}
