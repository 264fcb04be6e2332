// GitHub deployments as a second source of deployments, for what is not deployed by Argo CD
// (GitHub Pages, Actions deploying to a PaaS, …). GitHub has no application object, so one is
// kept per repository and environment: instance "github", namespace = "owner/name",
// name = the environment, on one cluster named "github". Its service is the one whose
// repository is this one (the service named like the repository first, then by name), else a
// service named after the repository, created here.
//
// One GitHub deployment (its id) is one Shiplog deployment (operation key "github:<id>"). The
// `deployment` event and each `deployment_status` are observations of it, merged with the same
// order-independent rules as Argo CD's (lib/deployments/merge-deployment-observation.ts), and
// the application's current state is derived from its deployments afterwards, so any arrival
// order converges. Its release is the service's release built from the deployed commit, when
// one is known by then.
import type { DbOrTx } from "../db/client";
import type { FleetDirectory } from "../fleet/fleet-directory";
import type { HealthStatus, OperationPhase } from "../generated/prisma/enums";
import { deriveDeploymentStatus } from "./derive-deployment-status";
import { phaseLogInsert } from "./phase-log";
import { type DeploymentFacts, isTerminalPhase, mergeDeploymentFacts } from "./merge-deployment-observation";

export const GITHUB_INSTANCE = "github";
const GITHUB_CLUSTER = { server: "https://github.com", name: "github" };

export type GithubDeploymentState = "pending" | "queued" | "in_progress" | "waiting" | "success" | "failure" | "error" | "inactive";

export type GithubDeploymentObservation = {
  repository: string;
  environment: string;
  deploymentId: number;
  sha: string;
  creator: string | null;
  description: string | null;
  createdAt: Date;
  /** From deployment_status; absent for the `deployment` event itself. */
  status?: { state: GithubDeploymentState; at: Date; description: string | null };
  /** The payload's newest updated_at. */
  observedAt: Date;
};

// GitHub marks a deployment inactive when a later one to its environment succeeds: by then it
// had been the one running, so it counts as succeeded (a failure reported for it still wins).
const PHASE: Record<GithubDeploymentState, OperationPhase> = {
  pending: "RUNNING",
  queued: "RUNNING",
  in_progress: "RUNNING",
  waiting: "RUNNING",
  success: "SUCCEEDED",
  inactive: "SUCCEEDED",
  failure: "FAILED",
  error: "ERROR",
};

export async function recordGithubDeployment(
  db: DbOrTx,
  directory: FleetDirectory,
  observation: GithubDeploymentObservation,
): Promise<{ applicationId: number; deploymentId: number }> {
  const application = await githubApplication(db, directory, observation);
  const operationKey = `github:${observation.deploymentId}`;
  // Lock the application: everything about it is serialised, whichever worker holds it.
  const rows = await db.$queryRaw<ExistingRow[]>`
    SELECT d.phase, d.finished_at, d.revision, d.initiated_by, d.automated, d.message, d.observed_at, d.started_at,
           d.rolled_back_by_id, d.release_id
    FROM applications a LEFT JOIN deployments d ON d.application_id = a.id AND d.operation_key = ${operationKey}
    WHERE a.id = ${application.applicationId}
    FOR UPDATE OF a`;
  const existing = rows[0]?.started_at ? factsFromRow(operationKey, rows[0]) : null;
  const facts = mergeDeploymentFacts(existing, factsOf(operationKey, observation));
  const status = deriveDeploymentStatus({ ...facts, rolledBackById: rows[0]?.rolled_back_by_id ?? null });
  const release = await db.$queryRaw<{ id: number }[]>`
    SELECT id FROM releases WHERE service_id = ${application.serviceId} AND commit_sha = ${observation.sha}
    ORDER BY first_seen_at, id LIMIT 1`;
  const releaseId = release[0]?.id ?? rows[0]?.release_id ?? null;
  const events = eventsOf(observation);

  const written = await db.$queryRaw<{ id: number }[]>`
    WITH deployment AS (
      INSERT INTO deployments (application_id, operation_key, started_at, source, service_id, team_id, environment_id, cluster_id,
        release_id, phase, finished_at, revision, images, initiated_by, automated, message, observed_at, status, updated_at)
      VALUES (${application.applicationId}, ${operationKey}, ${facts.startedAt}, 'GITHUB', ${application.serviceId}, ${application.teamId},
        ${application.environmentId}, ${application.clusterId}, ${releaseId}, ${facts.phase}::"OperationPhase", ${facts.finishedAt},
        ${facts.revision}, '{}'::text[], ${facts.initiatedBy}, ${facts.automated}, ${facts.message}, ${facts.observedAt},
        ${status}::"DeploymentStatus", now())
      ON CONFLICT (application_id, operation_key) DO UPDATE SET
        service_id = EXCLUDED.service_id, team_id = EXCLUDED.team_id, release_id = EXCLUDED.release_id, phase = EXCLUDED.phase,
        finished_at = EXCLUDED.finished_at, revision = EXCLUDED.revision, initiated_by = EXCLUDED.initiated_by,
        automated = EXCLUDED.automated, message = EXCLUDED.message, observed_at = EXCLUDED.observed_at, status = EXCLUDED.status,
        updated_at = now()
      RETURNING id
    ), logged AS (${phaseLogInsert(events)})
    SELECT id FROM deployment`;
  await refreshGithubApplication(db, application.applicationId);
  return { applicationId: application.applicationId, deploymentId: written[0]!.id };
}

type GithubApplication = { applicationId: number; serviceId: number; teamId: number | null; environmentId: number; clusterId: number };

async function githubApplication(db: DbOrTx, directory: FleetDirectory, observation: GithubDeploymentObservation): Promise<GithubApplication> {
  const instanceId = await directory.instanceId(db, GITHUB_INSTANCE);
  const clusterId = await directory.clusterId(db, instanceId, GITHUB_CLUSTER);
  const environmentName = observation.environment.trim().toLowerCase();
  const environmentId = await directory.environmentId(db, environmentName);
  const repositoryName = observation.repository.split("/")[1] ?? observation.repository;
  const known = await db.$queryRaw<{ id: number; team_id: number | null }[]>`
    SELECT id, team_id FROM services WHERE repository = ${observation.repository}
    ORDER BY lower(name) = lower(${repositoryName}) DESC, name LIMIT 1`;
  const service =
    known[0] !== undefined
      ? { id: known[0].id, teamId: known[0].team_id }
      : await directory.service(db, {
          service: repositoryName,
          repository: observation.repository,
          environment: environmentName,
          cluster: GITHUB_CLUSTER,
        });
  const placement = { serviceId: service.id, environmentId, clusterId };
  const application = await db.application.upsert({
    where: { argoInstanceId_namespace_name: { argoInstanceId: instanceId, namespace: observation.repository, name: environmentName } },
    create: {
      argoInstanceId: instanceId,
      namespace: observation.repository,
      name: environmentName,
      project: GITHUB_INSTANCE,
      repoUrl: `https://github.com/${observation.repository}`,
      ...placement,
    },
    update: placement,
    select: { id: true },
  });
  return { applicationId: application.id, serviceId: service.id, teamId: service.teamId, environmentId, clusterId };
}

function factsOf(operationKey: string, observation: GithubDeploymentObservation): DeploymentFacts {
  const state = observation.status?.state;
  const phase = state ? PHASE[state] : "RUNNING";
  return {
    operationKey,
    startedAt: observation.createdAt,
    phase,
    // An inactive status is the time it was replaced, not the time it finished.
    finishedAt: isTerminalPhase(phase) && state !== "inactive" ? observation.status!.at : null,
    revision: observation.sha,
    images: [],
    initiatedBy: observation.creator,
    automated: observation.creator?.endsWith("[bot]") ?? false,
    argoHistoryId: null,
    message: observation.status?.description || observation.description || null,
    // GitHub reports no health; the status alone decides (deriveDeploymentStatus).
    lastHealth: null,
    lastHealthAt: null,
    healthyAt: null,
    degradedAt: null,
    observedAt: observation.observedAt,
  };
}

/** The phase log entries one observation states, in Argo CD's vocabulary where one exists. */
function eventsOf(observation: GithubDeploymentObservation): { kind: string; at: Date; detail: string | null }[] {
  const events = [{ kind: "sync-running", at: observation.createdAt, detail: observation.creator ? `by ${observation.creator}` : null }];
  const status = observation.status;
  if (status) {
    const kind = { success: "sync-succeeded", failure: "sync-failed", error: "sync-error" }[status.state as string] ?? `status-${status.state}`;
    events.push({ kind, at: status.at, detail: status.description || null });
  }
  return events;
}

/**
 * The application's state from its deployments alone: the newest one is the last operation;
 * the newest succeeded one is what runs (revision, release, since when).
 */
async function refreshGithubApplication(db: DbOrTx, applicationId: number): Promise<void> {
  await db.$executeRaw`
    WITH newest AS (
      SELECT id, phase, started_at, finished_at FROM deployments WHERE application_id = ${applicationId}
      ORDER BY started_at DESC, operation_key DESC LIMIT 1
    ), running AS (
      SELECT id, revision, release_id, started_at, finished_at FROM deployments
      WHERE application_id = ${applicationId} AND phase = 'SUCCEEDED'
      ORDER BY started_at DESC, operation_key DESC LIMIT 1
    )
    UPDATE applications SET
      last_deployment_id = (SELECT id FROM newest),
      last_operation_phase = (SELECT phase FROM newest),
      last_operation_at = (SELECT COALESCE(finished_at, started_at) FROM newest),
      synced_revision = (SELECT revision FROM running),
      current_release_id = (SELECT release_id FROM running),
      current_release_since = (SELECT COALESCE(finished_at, started_at) FROM running),
      sync_status = CASE
        WHEN NOT EXISTS (SELECT 1 FROM newest) THEN 'UNKNOWN'
        WHEN (SELECT phase FROM newest) = 'SUCCEEDED' THEN 'SYNCED' ELSE 'OUT_OF_SYNC' END::"SyncStatus",
      health_status = CASE
        WHEN (SELECT phase FROM newest) IN ('RUNNING', 'TERMINATING') THEN 'PROGRESSING'
        WHEN EXISTS (SELECT 1 FROM running) THEN 'HEALTHY' ELSE 'UNKNOWN' END::"HealthStatus",
      observed_at = (SELECT max(observed_at) FROM deployments WHERE application_id = ${applicationId}),
      updated_at = now()
    WHERE id = ${applicationId}`;
}

type ExistingRow = {
  phase: OperationPhase;
  finished_at: Date | null;
  revision: string | null;
  initiated_by: string | null;
  automated: boolean;
  message: string | null;
  observed_at: Date;
  started_at: Date | null;
  rolled_back_by_id: number | null;
  release_id: number | null;
};

function factsFromRow(operationKey: string, row: ExistingRow): DeploymentFacts {
  return {
    operationKey,
    startedAt: row.started_at!,
    phase: row.phase,
    finishedAt: row.finished_at,
    revision: row.revision,
    images: [],
    initiatedBy: row.initiated_by,
    automated: row.automated,
    argoHistoryId: null,
    message: row.message,
    lastHealth: null as HealthStatus | null,
    lastHealthAt: null,
    healthyAt: null,
    degradedAt: null,
    observedAt: row.observed_at,
  };
}
