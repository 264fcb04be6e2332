// One service by name: who owns it, where its code lives, what runs in each environment and
// cluster now (the current-state columns of its applications, one index range), its latest
// releases and its latest deployments (the first page of the timeline filtered to it).
import { z } from "zod";
import { nameField } from "../api/query-fields";
import { readDb, type DbOrTx } from "../db/client";
import { deploymentSummarySchema, listDeployments } from "../deployments/list-deployments";
import { Prisma } from "../generated/prisma/client";
import { config } from "../env";
import { HealthStatus, OperationPhase, SyncStatus } from "../generated/prisma/enums";
import { buildArgocdUrl } from "../releases/build-argocd-url";
import { buildGithubUrl } from "../releases/build-github-url";
import { applicationCountsSchema, applicationCountsSql, teamSchema, toApplicationCounts, type ApplicationCountsRow } from "./list-services";

export const getServiceParams = z.object({ name: nameField.meta({ description: "Service name." }) });

/** How many releases and deployments the service view shows; older ones are a query away. */
const RECENT_RELEASES = 10;
const RECENT_DEPLOYMENTS = 20;
/** Applications listed; `applications.total` counts them all. A bound, not a page: services run in tens of clusters. */
const MAX_APPLICATIONS = 2000;

export const serviceDetailSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    team: teamSchema.nullable(),
    repository: z.string().nullable(),
    repositoryUrl: z.string().nullable().meta({ description: "The repository on GitHub." }),
    tier: z.number().int(),
    applications: applicationCountsSchema,
    environments: z
      .array(
        z.object({
          name: z.string(),
          rank: z.number().int(),
          isProduction: z.boolean(),
          applications: z.array(
            z.object({
              id: z.number().int(),
              name: z.string(),
              namespace: z.string(),
              argoInstance: z.string(),
              argocdUrl: z.string().nullable().meta({ description: "The application in its Argo CD instance's web UI, when the instance's URL is known." }),
              cluster: z.string(),
              region: z.string().nullable(),
              health: z.enum(HealthStatus),
              sync: z.enum(SyncStatus),
              release: z.object({ id: z.number().int(), version: z.string(), since: z.date().nullable() }).nullable(),
              lastOperation: z.object({ phase: z.enum(OperationPhase), at: z.date().nullable() }).nullable(),
            }),
          ),
        }),
      )
      .meta({ description: "Environments the service runs in, by rank; in each, its applications by cluster and what they run now." }),
    recentReleases: z
      .array(z.object({ id: z.number().int(), version: z.string(), firstSeenAt: z.date(), commitSha: z.string().nullable(), commitsComplete: z.boolean() }))
      .meta({ description: `The ${RECENT_RELEASES} newest releases, newest first.` }),
    recentDeployments: z
      .object({ items: z.array(deploymentSummarySchema), nextCursor: z.string().nullable() })
      .meta({ description: `The ${RECENT_DEPLOYMENTS} newest deployments; nextCursor continues in GET /api/v1/deployments?service=<name>.` }),
  })
  .meta({ id: "ServiceDetail" });

export type ServiceDetail = z.output<typeof serviceDetailSchema>;

/** The service, or null when no service has that name. */
export async function getService(name: string, db: DbOrTx = readDb()): Promise<ServiceDetail | null> {
  const [service] = await db.$queryRaw<(ApplicationCountsRow & ServiceRow)[]>`
    SELECT s.id, s.name, s.repository, s.tier, t.slug AS team_slug, t.name AS team_name, counts.*
    FROM services s
    LEFT JOIN teams t ON t.id = s.team_id
    CROSS JOIN LATERAL (${applicationCountsSql(Prisma.sql`s.id`)}) counts
    WHERE s.name = ${name}`;
  if (!service) return null;

  const [applications, releases, deployments] = await Promise.all([
    db.$queryRaw<ApplicationRow[]>`
      SELECT a.id, a.name, a.namespace, ai.name AS argo_instance, ai.url AS argo_instance_url, e.name AS environment, e.rank AS environment_rank, e.is_production, c.name AS cluster, c.region,
        a.health_status::text AS health, a.sync_status::text AS sync, a.current_release_id, r.version AS release_version,
        a.current_release_since, a.last_operation_phase::text AS last_operation_phase, a.last_operation_at
      FROM applications a
      JOIN environments e ON e.id = a.environment_id
      JOIN clusters c ON c.id = a.cluster_id
      JOIN argo_instances ai ON ai.id = a.argo_instance_id
      LEFT JOIN releases r ON r.id = a.current_release_id
      WHERE a.service_id = ${service.id} AND a.deleted_at IS NULL
      ORDER BY e.rank, e.name, c.name, a.name, a.id
      LIMIT ${MAX_APPLICATIONS}`,
    db.$queryRaw<{ id: number; version: string; first_seen_at: Date; commit_sha: string | null; commits_complete: boolean }[]>`
      SELECT id, version, first_seen_at, commit_sha, commits_complete FROM releases
      WHERE service_id = ${service.id}
      ORDER BY first_seen_at DESC, id DESC
      LIMIT ${RECENT_RELEASES}`,
    listDeployments({ service: service.name, limit: RECENT_DEPLOYMENTS }, db),
  ]);

  const environments: ServiceDetail["environments"] = [];
  for (const row of applications) {
    let environment = environments[environments.length - 1];
    if (environment?.name !== row.environment) {
      environment = { name: row.environment, rank: row.environment_rank, isProduction: row.is_production, applications: [] };
      environments.push(environment);
    }
    environment.applications.push({
      id: row.id,
      name: row.name,
      namespace: row.namespace,
      argoInstance: row.argo_instance,
      argocdUrl: buildArgocdUrl({ instance: row.argo_instance, instanceUrl: row.argo_instance_url, namespace: row.namespace, name: row.name }),
      cluster: row.cluster,
      region: row.region,
      health: row.health,
      sync: row.sync,
      release: row.current_release_id === null ? null : { id: row.current_release_id, version: row.release_version!, since: row.current_release_since },
      lastOperation: row.last_operation_phase === null ? null : { phase: row.last_operation_phase, at: row.last_operation_at },
    });
  }

  return {
    id: service.id,
    name: service.name,
    team: service.team_slug === null ? null : { slug: service.team_slug, name: service.team_name! },
    repository: service.repository,
    repositoryUrl: service.repository ? buildGithubUrl(config().GITHUB_API_URL, { kind: "repository", repository: service.repository }) : null,
    tier: service.tier,
    applications: toApplicationCounts(service),
    environments,
    recentReleases: releases.map((release) => ({
      id: release.id,
      version: release.version,
      firstSeenAt: release.first_seen_at,
      commitSha: release.commit_sha,
      commitsComplete: release.commits_complete,
    })),
    recentDeployments: deployments,
  };
}

type ServiceRow = { id: number; name: string; repository: string | null; tier: number; team_slug: string | null; team_name: string | null };

type ApplicationRow = {
  id: number;
  name: string;
  namespace: string;
  argo_instance: string;
  argo_instance_url: string | null;
  environment: string;
  environment_rank: number;
  is_production: boolean;
  cluster: string;
  region: string | null;
  health: HealthStatus;
  sync: SyncStatus;
  current_release_id: number | null;
  release_version: string | null;
  current_release_since: Date | null;
  last_operation_phase: OperationPhase | null;
  last_operation_at: Date | null;
};
