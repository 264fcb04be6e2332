// The facts behind the rollouts of releases in environments (a rollout is one release in one
// environment), grouped per cluster: for each application of the release's service in the
// environment, whether it runs the release now, its health, and its newest deployment of the
// release. One statement for any number of rollouts: the release's deployments come from the
// (release_id) index and its applications from the (service_id, environment_id) index, so the
// cost follows the size of the rollouts asked about, never the fleet's (docs/api.md has the plan).
import { readDb, type DbOrTx } from "../db/client";
import type { DeploymentStatus, HealthStatus } from "../generated/prisma/enums";
import type { RolloutFactsGroup } from "./rollout-counts";

/** A rollout: one release in one environment (by name, as deployments and the API name it). */
export type RolloutKey = { releaseId: number; environment: string };

export type RolloutCell = RolloutFactsGroup & {
  releaseId: number;
  environmentId: number;
  environment: string;
  environmentRank: number;
  cluster: string;
  region: string | null;
  /** The first start of a deployment of the release among these applications. */
  firstStartedAt: Date | null;
  /** The last finish of their newest deployments of the release. */
  lastFinishedAt: Date | null;
  /** One of their newest deployments of the release has not finished. */
  unfinished: boolean;
};

type CellRow = {
  release_id: number;
  environment_id: number;
  environment: string;
  environment_rank: number;
  cluster_id: number;
  cluster: string;
  region: string | null;
  on_release: boolean;
  health: HealthStatus;
  last_status: DeploymentStatus | null;
  applications: number;
  first_started_at: Date | null;
  last_finished_at: Date | null;
  unfinished: boolean;
};

export async function readReleaseRolloutCells(keys: readonly RolloutKey[], { db = readDb() }: { db?: DbOrTx } = {}): Promise<RolloutCell[]> {
  if (keys.length === 0) return [];
  const releaseIds = keys.map((key) => key.releaseId);
  const environments = keys.map((key) => key.environment);
  // Removed applications count only where they ran the release (as moved on: they run nothing
  // now); a cluster torn down before the release reached it was never part of its rollout.
  const rows = await db.$queryRaw<CellRow[]>`
    WITH rollouts AS (
      SELECT DISTINCT k.release_id, e.id AS environment_id, r.service_id
      FROM unnest(${releaseIds}::int[], ${environments}::text[]) AS k(release_id, environment)
      JOIN releases r ON r.id = k.release_id
      JOIN environments e ON e.name = k.environment
    ),
    reached AS (
      SELECT d.release_id, d.application_id,
        (array_agg(d.status::text ORDER BY d.started_at DESC, d.id DESC))[1] AS last_status,
        (array_agg(d.finished_at ORDER BY d.started_at DESC, d.id DESC))[1] AS last_finished_at,
        min(d.started_at) AS first_started_at
      FROM rollouts k
      JOIN deployments d ON d.release_id = k.release_id AND d.environment_id = k.environment_id
      GROUP BY d.release_id, d.application_id
    ),
    facts AS (
      SELECT k.release_id, a.environment_id, a.cluster_id,
        (a.deleted_at IS NULL AND a.current_release_id IS NOT DISTINCT FROM k.release_id) AS on_release,
        a.health_status::text AS health, x.last_status, x.first_started_at, x.last_finished_at,
        x.application_id IS NOT NULL AND x.last_finished_at IS NULL AS unfinished
      FROM rollouts k
      JOIN applications a ON a.service_id = k.service_id AND a.environment_id = k.environment_id
      LEFT JOIN reached x ON x.release_id = k.release_id AND x.application_id = a.id
      WHERE a.deleted_at IS NULL OR x.application_id IS NOT NULL OR a.current_release_id = k.release_id
    )
    SELECT f.release_id, f.environment_id, e.name AS environment, e.rank AS environment_rank,
      f.cluster_id, c.name AS cluster, c.region, f.on_release, f.health, f.last_status,
      count(*)::int AS applications, min(f.first_started_at) AS first_started_at,
      max(f.last_finished_at) AS last_finished_at, bool_or(f.unfinished) AS unfinished
    FROM facts f
    JOIN environments e ON e.id = f.environment_id
    JOIN clusters c ON c.id = f.cluster_id
    GROUP BY f.release_id, f.environment_id, e.name, e.rank, f.cluster_id, c.name, c.region, f.on_release, f.health, f.last_status`;
  return rows.map((row) => ({
    releaseId: row.release_id,
    environmentId: row.environment_id,
    environment: row.environment,
    environmentRank: row.environment_rank,
    clusterId: row.cluster_id,
    cluster: row.cluster,
    region: row.region,
    onRelease: row.on_release,
    health: row.health,
    lastStatus: row.last_status,
    applications: row.applications,
    firstStartedAt: row.first_started_at,
    lastFinishedAt: row.last_finished_at,
    unfinished: row.unfinished,
  }));
}
