// The fleet health matrix, one window of rows at a time: services × environments, grouped by
// team, environment, cluster or region, searched by name and filtered to degraded, out-of-sync
// or skewed rows. Built for 5,000 services / 100,000 applications (timings in docs/api.md):
//   1. the view's row index: per group, its services' ids in name order (filtered to degraded:
//      most degraded applications first, rank-worst-first.ts), as one int array per
//      group (a few hundred KB at most, never sent to the browser). Without grouping or by team
//      it reads `services`; grouping by where applications run, or a filter, reads the current
//      state per service and environment (`service_environment_states`, about services ×
//      environments rows kept by triggers on applications), never the applications. Callers
//      paging through one view may reuse the index for a few seconds (`rowIndexMaxAgeMs`);
//   2. the window is a slice of that index: its services' names and teams by primary key;
//   3. cells: only the window's services have their applications read, over the
//      (service_id, environment_id) index; health and skew are derived in derive-fleet-cell.ts.
import { z } from "zod";
import { readDb, type DbOrTx } from "../db/client";
import { containsPattern } from "../db/contains-pattern";
import { Prisma } from "../generated/prisma/client";
import { deriveFleetCell, describeEnvironmentSkew, fleetCellSchema, type CellApplications, type FleetCell, type Health } from "./derive-fleet-cell";
import type { FleetMatrixOptions } from "./fleet-matrix-query";
import type { FleetGroup, FleetOnly } from "./fleet-view";
import { type DegradedCount, rankWorstFirst } from "./rank-worst-first";

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

/**
 * How long the page and the API reuse a view's row index: rows added or removed in the fleet
 * show up within this; health, versions and skew in the cells are always read fresh.
 */
export const FLEET_ROW_INDEX_MAX_AGE_MS = 10_000;

export type ListFleetMatrixSettings = {
  /** Reuse a view's row index built this recently (0: always build afresh). */
  rowIndexMaxAgeMs?: number;
};

type Topology = {
  environments: { id: number; name: string; rank: number; isProduction: boolean }[];
  clusters: { id: number; name: string; region: string | null }[];
  teams: { slug: string; name: string }[];
};

/** A view's rows: groups in order, and per group its services' ids in name order. */
type RowIndex = { total: number; groups: { key: string; label: string; rows: number; serviceIds: number[] }[] };

type WindowRow = { gkey: string; service_id: number };

type ServiceRow = { id: number; name: string; team_slug: string | null; team_name: string | null };

type ApplicationGroupRow = {
  service_id: number;
  environment_id: number;
  cluster_id: number;
  health: Health;
  out_of_sync: boolean;
  version: string | null;
  version_seen_at: Date | null;
  applications: number;
  rolling_out: number;
};

export async function listFleetMatrix(
  options: Partial<FleetMatrixOptions> = {},
  db: DbOrTx = readDb(),
  { rowIndexMaxAgeMs = 0 }: ListFleetMatrixSettings = {},
): Promise<FleetMatrix> {
  const group = options.group ?? "none";
  const offset = options.offset ?? 0;
  const limit = options.limit ?? 100;

  // Environments, clusters and teams change rarely; a reused index may reuse their names too.
  const topologyRead = rowIndexMaxAgeMs > 0 ? cachedTopology(db, rowIndexMaxAgeMs) : readTopology(db);
  const [topology, index] = await Promise.all([
    topologyRead,
    cachedRowIndex(`${group}\u0000${options.q ?? ""}\u0000${options.only ?? ""}`, rowIndexMaxAgeMs, () =>
      buildRowIndex(db, group, options.q, options.only, topologyRead),
    ),
  ]);

  // The window: rows offset … offset+limit−1 across the groups, in order.
  const window: WindowRow[] = [];
  let start = 0;
  for (const header of index.groups) {
    const end = start + header.rows;
    if (end > offset && start < offset + limit) {
      for (const serviceId of header.serviceIds.slice(Math.max(0, offset - start), Math.min(header.rows, offset + limit - start))) {
        window.push({ gkey: header.key, service_id: serviceId });
      }
    }
    if (end >= offset + limit) break;
    start = end;
  }

  const serviceIds = [...new Set(window.map((row) => row.service_id))];
  // Cells count applications per cluster only where a row is one cluster's or region's; else
  // a cell's applications are grouped by health, sync and release alone (fewer rows to ship).
  const scoped = group === "cluster" || group === "region";
  const [services, applications] =
    serviceIds.length === 0
      ? [[], []]
      : await Promise.all([
          db.$queryRaw<ServiceRow[]>`
            SELECT s.id, s.name, t.slug AS team_slug, t.name AS team_name
            FROM services s LEFT JOIN teams t ON t.id = s.team_id
            WHERE s.id IN (${Prisma.join(serviceIds)})`,
          db.$queryRaw<ApplicationGroupRow[]>`
          SELECT a.service_id, a.environment_id, ${scoped ? Prisma.sql`a.cluster_id` : Prisma.sql`0`} AS cluster_id,
                 a.health_status::text AS health, a.sync_status = 'OUT_OF_SYNC' AS out_of_sync,
                 r.version, r.first_seen_at AS version_seen_at, count(*)::int AS applications,
                 -- Argo Rollouts still shifting traffic or paused (lib/argo-rollouts), by the rollout's unique key prefix.
                 count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM argo_instances i JOIN argo_rollouts ar ON ar.argo_instance = i.name AND ar.application = a.name
                   WHERE i.id = a.argo_instance_id AND ar.state IN ('PROGRESSING', 'PAUSED')))::int AS rolling_out
          FROM applications a
          LEFT JOIN releases r ON r.id = a.current_release_id
          WHERE a.service_id IN (${Prisma.join(serviceIds)}) AND a.deleted_at IS NULL
          GROUP BY 1, 2, 3, a.health_status, a.sync_status, r.version, r.first_seen_at`,
        ]);
  const serviceById = new Map(services.map((service) => [service.id, service]));

  const byService = new Map<number, ApplicationGroupRow[]>();
  for (const row of applications) {
    const list = byService.get(row.service_id);
    if (list) list.push(row);
    else byService.set(row.service_id, [row]);
  }
  const clusterById = new Map(topology.clusters.map((cluster) => [cluster.id, cluster]));

  // A service deleted since the index was built has no row here: it is left out of the window.
  const rows = window.flatMap((row): FleetMatrixRow[] => {
    const service = serviceById.get(row.service_id);
    if (!service) return [];
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
                rollingOut: application.rolling_out,
              }),
            ),
          );
    });
    const scopeCluster = group === "cluster" ? clusterById.get(Number(row.gkey))?.name : undefined;
    return [
      {
        key: `${row.gkey}/${service.name}`,
        group: group === "none" ? null : row.gkey,
        service: service.name,
        team: service.team_slug === null ? null : { slug: service.team_slug, name: service.team_name ?? service.team_slug },
        scope: scopeCluster ? { cluster: scopeCluster } : group === "region" && row.gkey !== "" ? { region: row.gkey } : {},
        cells,
        environmentSkew: describeEnvironmentSkew(cells),
      },
    ];
  });

  return {
    total: index.total,
    offset,
    limit,
    environments: topology.environments.map(({ name, isProduction }) => ({ name, isProduction })),
    groups: group === "none" ? [] : index.groups.map(({ key, label, rows }) => ({ key, label, rows })),
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

async function buildRowIndex(db: DbOrTx, group: FleetGroup, q: string | undefined, only: FleetOnly | undefined, topologyRead: Promise<Topology>): Promise<RowIndex> {
  const [groups, topology] = await Promise.all([
    group === "cluster" || group === "region" ? readPlacementGroups(db, group, q, only) : readGroups(db, pairsSql(group, q, only)),
    topologyRead,
  ]);
  const named = groups.map(({ gkey, ids }) => ({ key: gkey, rows: ids.length, serviceIds: ids, ...groupLabel(group, gkey, topology) }));
  // Filtered to degraded rows, the worst come first (rank-worst-first.ts).
  const labelled = only === "degraded" ? rankWorstFirst(group, named, await readDegradedCounts(db)) : named;
  // Groups without a name ("No team", "No region") come last.
  labelled.sort((a, b) => Number(a.key === "") - Number(b.key === "") || a.rank - b.rank || compareText(a.label, b.label) || compareText(a.key, b.key));
  return {
    total: labelled.reduce((sum, header) => sum + header.rows, 0),
    groups: labelled.map(({ key, label, rows, serviceIds }) => ({ key, label, rows, serviceIds })),
  };
}

/**
 * Degraded applications per service and place. Degraded applications are few (≈ 1,500 of
 * 100,000 in the large demo fleet) and `applications` has an index on health, so this reads
 * only them; the counts are the same applications service_environment_states.degraded counts.
 */
async function readDegradedCounts(db: DbOrTx): Promise<DegradedCount[]> {
  return db.$queryRaw<DegradedCount[]>`
    SELECT a.service_id AS "serviceId", a.environment_id AS "environmentId", a.cluster_id AS "clusterId", c.region, count(*)::int AS degraded
    FROM applications a JOIN clusters c ON c.id = a.cluster_id
    WHERE a.health_status = 'DEGRADED' AND a.deleted_at IS NULL
    GROUP BY a.service_id, a.environment_id, a.cluster_id, c.region`;
}

// Names are ranked once (5,000 collated comparisons' worth), so ordering rows sorts integers
// rather than comparing text.
const rankedServices = Prisma.sql`SELECT id, row_number() OVER (ORDER BY name, id) AS rank FROM services`;

/** Per group, its services' ids in name order, from (gkey, service_id) pairs. */
function readGroups(db: DbOrTx, pairs: Prisma.Sql): Promise<{ gkey: string; ids: number[] }[]> {
  return db.$queryRaw<{ gkey: string; ids: number[] }[]>`
    WITH ranked AS (${rankedServices})
    SELECT p.gkey, array_agg(p.service_id ORDER BY r.rank) AS ids
    FROM (${pairs}) p JOIN ranked r ON r.id = p.service_id
    GROUP BY p.gkey`;
}

type PlacementRow = { service_id: number; cluster_ids: number[]; min_release_ids: (number | null)[] | null; max_release_ids: (number | null)[] | null };

/**
 * Groups by cluster or region: each service's state rows (one per environment) in name order,
 * with the clusters each lists, spread into groups here. A service's clusters repeat across its
 * environments and a region spans clusters, so rows are merged per service first; doing that
 * on ~15,000 rows in order is far cheaper than having the database unnest, deduplicate and sort
 * every (cluster, service) pair (100,000 at 5,000 services). Skewed: the lowest and highest
 * release across the cluster or region differ.
 */
async function readPlacementGroups(db: DbOrTx, group: "cluster" | "region", q: string | undefined, only: FleetOnly | undefined): Promise<{ gkey: string; ids: number[] }[]> {
  const named = q ? Prisma.sql`AND st.service_id IN (SELECT s.id FROM services s WHERE s.name ILIKE ${containsPattern(q)})` : Prisma.empty;
  const placements =
    only === "degraded"
      ? Prisma.sql`st.degraded_cluster_ids AS cluster_ids, NULL AS min_release_ids, NULL AS max_release_ids`
      : only === "out-of-sync"
        ? Prisma.sql`st.out_of_sync_cluster_ids AS cluster_ids, NULL AS min_release_ids, NULL AS max_release_ids`
        : only === "skewed"
          ? Prisma.sql`st.cluster_ids, st.cluster_min_release_ids AS min_release_ids, st.cluster_max_release_ids AS max_release_ids`
          : // Release ranges only where they decide: every array is parsed row by row in the driver.
            Prisma.sql`st.cluster_ids, NULL AS min_release_ids, NULL AS max_release_ids`;
  // A cluster or region can only skew where the service as a whole does (a few percent of them).
  const skewedServices = only === "skewed" ? Prisma.sql`AND st.service_id IN (${flaggedServicesSql("skewed")})` : Prisma.empty;
  const [rows, clusters] = await Promise.all([
    db.$queryRaw<PlacementRow[]>`
      WITH ranked AS (${rankedServices})
      SELECT st.service_id, ${placements}
      FROM service_environment_states st JOIN ranked r ON r.id = st.service_id
      WHERE st.applications > 0 ${cellFilterSql(only === "skewed" ? undefined : only)} ${skewedServices} ${named}
      ORDER BY r.rank`,
    // Regions read fresh, not from a reused topology: a new cluster's rows must not land in "No region".
    group === "region" ? db.$queryRaw<{ id: number; region: string | null }[]>`SELECT id, region FROM clusters` : Promise.resolve([]),
  ]);
  const regionOf = new Map(clusters.map((cluster) => [cluster.id, cluster.region ?? ""]));
  const keyOf = group === "cluster" ? (clusterId: number) => String(clusterId) : (clusterId: number) => regionOf.get(clusterId) ?? "";

  const groups = new Map<string, number[]>();
  for (let i = 0; i < rows.length; ) {
    const serviceId = rows[i]!.service_id;
    const ranges = new Map<string, { min: number | null; max: number | null }>();
    // A service's rows are consecutive: they share its rank.
    for (; i < rows.length && rows[i]!.service_id === serviceId; i++) {
      const row = rows[i]!;
      row.cluster_ids.forEach((clusterId, j) => {
        const key = keyOf(clusterId);
        const min = row.min_release_ids?.[j] ?? null;
        const max = row.max_release_ids?.[j] ?? null;
        const range = ranges.get(key);
        if (!range) ranges.set(key, { min, max });
        else {
          if (min !== null && (range.min === null || min < range.min)) range.min = min;
          if (max !== null && (range.max === null || max > range.max)) range.max = max;
        }
      });
    }
    for (const [key, range] of ranges) {
      if (only === "skewed" && (range.min === null || range.max === null || range.min === range.max)) continue;
      const ids = groups.get(key);
      if (ids) ids.push(serviceId);
      else groups.set(key, [serviceId]);
    }
  }
  return [...groups].map(([gkey, ids]) => ({ gkey, ids }));
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
 * The matrix's rows before windowing, when they are services or (environment, service):
 * (gkey, service_id), one per row. Grouping by team (or not at all) reads services, narrowed by
 * a filter's matching services; grouping by environment reads the per-service-and-environment
 * current state.
 */
function pairsSql(group: "none" | "team" | "environment", q: string | undefined, only: FleetOnly | undefined): Prisma.Sql {
  const named = q ? Prisma.sql`AND s.name ILIKE ${containsPattern(q)}` : Prisma.empty;
  if (group === "environment") {
    const services = q ? Prisma.sql`AND st.service_id IN (SELECT s.id FROM services s WHERE TRUE ${named})` : Prisma.empty;
    return Prisma.sql`
      SELECT st.environment_id::text AS gkey, st.service_id
      FROM service_environment_states st
      WHERE st.applications > 0 ${services} ${cellFilterSql(only)}`;
  }
  const flagged = only === undefined ? Prisma.empty : Prisma.sql`AND s.id IN (${flaggedServicesSql(only)})`;
  if (group === "none") return Prisma.sql`SELECT ''::text AS gkey, s.id AS service_id FROM services s WHERE TRUE ${named} ${flagged}`;
  return Prisma.sql`
    SELECT coalesce(t.slug, '') AS gkey, s.id AS service_id
    FROM services s LEFT JOIN teams t ON t.id = s.team_id
    WHERE TRUE ${named} ${flagged}`;
}

/** A (service, environment) state with a degraded or out-of-sync application, or more than one release. */
function cellFilterSql(only: FleetOnly | undefined): Prisma.Sql {
  if (only === "degraded") return Prisma.sql`AND st.degraded > 0`;
  if (only === "out-of-sync") return Prisma.sql`AND st.out_of_sync > 0`;
  if (only === "skewed") return Prisma.sql`AND st.min_release_id <> st.max_release_id`;
  return Prisma.empty;
}

/**
 * Services with a degraded or out-of-sync application, or running more than one release
 * (some cell's clusters disagree, or some environments do; lowest <> highest needs no sort).
 */
function flaggedServicesSql(only: FleetOnly): Prisma.Sql {
  if (only === "skewed") {
    return Prisma.sql`
      SELECT st.service_id FROM service_environment_states st
      WHERE st.applications > 0
      GROUP BY st.service_id
      HAVING min(st.min_release_id) <> max(st.max_release_id)`;
  }
  return Prisma.sql`SELECT st.service_id FROM service_environment_states st WHERE TRUE ${cellFilterSql(only)}`;
}

// ---------------------------------------------------------------- row index cache

let topologyCache: { at: number; value: Promise<Topology> } | undefined;

function cachedTopology(db: DbOrTx, maxAgeMs: number): Promise<Topology> {
  const now = Date.now();
  if (topologyCache && now - topologyCache.at <= maxAgeMs) return topologyCache.value;
  const value = readTopology(db);
  topologyCache = { at: now, value };
  value.catch(() => (topologyCache = undefined));
  return value;
}

// Per process, per view; a failed build is not remembered, concurrent requests share one build.
const rowIndexCache = new Map<string, { at: number; value: Promise<RowIndex> }>();
const ROW_INDEX_CACHE_ENTRIES = 100;

async function cachedRowIndex(key: string, maxAgeMs: number, build: () => Promise<RowIndex>): Promise<RowIndex> {
  if (maxAgeMs <= 0) return build();
  const now = Date.now();
  const hit = rowIndexCache.get(key);
  if (hit && now - hit.at <= maxAgeMs) return hit.value;
  const value = build();
  rowIndexCache.delete(key);
  rowIndexCache.set(key, { at: now, value });
  value.catch(() => rowIndexCache.delete(key));
  // Oldest first in a Map's order: drop the oldest view beyond the cap.
  if (rowIndexCache.size > ROW_INDEX_CACHE_ENTRIES) rowIndexCache.delete(rowIndexCache.keys().next().value!);
  return value;
}
