// GitLab deployments (the Deployment Hook of a project's environments) as a deployment source,
// as GitHub deployments are (record-github-deployment.ts): for what GitLab CI deploys without
// Argo CD. There is no application object, so one is kept per project and environment: instance
// "gitlab", namespace = the project's host/path (gitlab.com/group/app), name = the environment,
// on one cluster named "gitlab". Its service is the one named after the project's last path
// segment (case aside), created here when there is none, as GitHub's are named after the repository.
//
// One GitLab deployment (its deployment_id) is one Shiplog deployment (operation key
// "gitlab:<id>"). GitLab sends one event per status (running, then success, failed or canceled),
// each with only the time of that status: each is an observation of it, merged with the
// order-independent rules of Argo CD's (merge-deployment-observation.ts), the start being the
// earliest status time reported, and the application's state derived from its deployments
// afterwards, so any arrival order converges. A canceled deployment ends FAILED, as an Argo CD
// sync that was terminated does, and counts as one in DORA.
//
// Its release is named and recorded as a GitHub deployment's (deployedCommitRelease): GitLab's
// payload names no ref, so the release of a commit deployed only through GitLab is named by its
// short SHA unless a GitHub or Argo CD source named it first.
import type { DbOrTx } from "../db/client";
import type { FleetDirectory } from "../fleet/fleet-directory";
import type { OperationPhase } from "../generated/prisma/enums";
import { deriveDeploymentStatus } from "./derive-deployment-status";
import { type DeploymentFacts, isTerminalPhase, mergeDeploymentFacts } from "./merge-deployment-observation";
import { phaseLogInsert, type PhaseEvent } from "./phase-log";
import { deployedCommitRelease, type ExistingRow, factsFromRow, giveReleaseToEarlierDeployments, refreshGithubApplication } from "./record-github-deployment";

export const GITLAB_INSTANCE = "gitlab";
const GITLAB_CLUSTER = { server: "gitlab://environments", name: "gitlab" };

export const GITLAB_DEPLOYMENT_STATUSES = ["running", "success", "failed", "canceled"] as const;
export type GitlabDeploymentStatus = (typeof GITLAB_DEPLOYMENT_STATUSES)[number];

const PHASE: Record<GitlabDeploymentStatus, OperationPhase> = {
  running: "RUNNING",
  success: "SUCCEEDED",
  failed: "FAILED",
  canceled: "FAILED",
};

const PHASE_LOG_KIND: Record<GitlabDeploymentStatus, string> = {
  running: "sync-running",
  success: "sync-succeeded",
  failed: "sync-failed",
  canceled: "sync-canceled",
};

export type GitlabDeploymentObservation = {
  /** The project's Shiplog name (host/path) and web URL. */
  repository: string;
  webUrl: string;
  environment: string;
  deploymentId: number;
  sha: string;
  status: GitlabDeploymentStatus;
  /** status_changed_at: when the deployment reached this status. */
  at: Date;
  /** The username of who deployed (the job's user, or the API caller). */
  user: string | null;
  /** The CI/CD job that ran the deployment; null when it was created through the API or a trigger job. */
  deployable: { id: number; url: string } | null;
};

export type RecordedGitlabDeployment = { applicationId: number; deploymentId: number; relinkedDeploymentIds: number[] };

export async function recordGitlabDeployment(
  observation: GitlabDeploymentObservation,
  { db, directory }: { db: DbOrTx; directory: FleetDirectory },
): Promise<RecordedGitlabDeployment> {
  const application = await gitlabApplication(db, directory, observation);
  const operationKey = `gitlab:${observation.deploymentId}`;
  // Lock the application: everything about it is serialised, whichever worker holds it.
  const rows = await db.$queryRaw<ExistingRow[]>`
    SELECT d.phase, d.finished_at, d.revision, d.initiated_by, d.automated, d.message, d.observed_at, d.started_at,
           d.rolled_back_by_id, d.release_id
    FROM applications a LEFT JOIN deployments d ON d.application_id = a.id AND d.operation_key = ${operationKey}
    WHERE a.id = ${application.applicationId}
    FOR UPDATE OF a`;
  const row = rows[0];
  const incoming = factsOf(operationKey, observation);
  const merged = mergeDeploymentFacts(row?.started_at ? factsFromRow(operationKey, row) : null, incoming);
  // The earliest status time reported is the start, whichever event came first.
  const facts = { ...merged, startedAt: row?.started_at && row.started_at < incoming.startedAt ? row.started_at : incoming.startedAt };
  const status = deriveDeploymentStatus({ ...facts, rolledBackById: row?.rolled_back_by_id ?? null });
  // Decided by this observation alone, so every arrival order makes the same calls.
  const ran = observation.status === "success";
  const release = await deployedCommitRelease(
    db,
    directory,
    application.serviceId,
    { sha: observation.sha, ref: null, createdAt: observation.at },
    ran,
  );
  const releaseId = release?.id ?? row?.release_id ?? null;

  const written = await db.$queryRaw<{ id: number }[]>`
    WITH deployment AS (
      INSERT INTO deployments (application_id, operation_key, started_at, source, service_id, team_id, environment_id, cluster_id,
        release_id, phase, finished_at, revision, images, initiated_by, automated, message, observed_at, status, updated_at)
      VALUES (${application.applicationId}, ${operationKey}, ${facts.startedAt}, 'GITLAB', ${application.serviceId}, ${application.teamId},
        ${application.environmentId}, ${application.clusterId}, ${releaseId}, ${facts.phase}::"OperationPhase", ${facts.finishedAt},
        ${facts.revision}, '{}'::text[], ${facts.initiatedBy}, ${facts.automated}, ${facts.message}, ${facts.observedAt},
        ${status}::"DeploymentStatus", now())
      ON CONFLICT (application_id, operation_key) DO UPDATE SET
        service_id = EXCLUDED.service_id, team_id = EXCLUDED.team_id, release_id = EXCLUDED.release_id, phase = EXCLUDED.phase,
        started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, revision = EXCLUDED.revision,
        initiated_by = EXCLUDED.initiated_by, automated = EXCLUDED.automated, message = EXCLUDED.message,
        observed_at = EXCLUDED.observed_at, status = EXCLUDED.status, updated_at = now()
      RETURNING id
    ), logged AS (${phaseLogInsert(eventsOf(observation))})
    SELECT id FROM deployment`;
  const relinkedDeploymentIds = release?.changed
    ? await giveReleaseToEarlierDeployments(db, application, "GITLAB", observation.sha, release.id)
    : [];
  await refreshGithubApplication(db, application.applicationId);
  return { applicationId: application.applicationId, deploymentId: written[0]!.id, relinkedDeploymentIds };
}

/** Where a project's environment lives in the fleet model: pure, so its naming is tested alone. */
export function gitlabPlacement(observation: Pick<GitlabDeploymentObservation, "repository" | "environment">) {
  return {
    environment: observation.environment.trim().toLowerCase(),
    // gitlab.com/group/sub/app → app: the service a project deploys is named after it, as on GitHub.
    serviceName: observation.repository.slice(observation.repository.lastIndexOf("/") + 1),
  };
}

type GitlabApplication = { applicationId: number; serviceId: number; teamId: number | null; environmentId: number; clusterId: number };

async function gitlabApplication(db: DbOrTx, directory: FleetDirectory, observation: GitlabDeploymentObservation): Promise<GitlabApplication> {
  const placement = gitlabPlacement(observation);
  const instanceId = await directory.instanceId(db, GITLAB_INSTANCE);
  const clusterId = await directory.clusterId(db, instanceId, GITLAB_CLUSTER);
  const environmentId = await directory.environmentId(db, placement.environment);
  // The service named after the project, never "some service of the project": which of those
  // exists yet would depend on arrival order (record-github-deployment.ts says the same).
  const known = await db.$queryRaw<{ id: number; team_id: number | null }[]>`
    SELECT id, team_id FROM services WHERE lower(name) = lower(${placement.serviceName})
    ORDER BY (repository = ${observation.repository}) DESC NULLS LAST, name LIMIT 1`;
  const service =
    known[0] !== undefined
      ? { id: known[0].id, teamId: known[0].team_id }
      : await directory.service(db, {
          service: placement.serviceName,
          repository: observation.repository,
          environment: placement.environment,
          cluster: GITLAB_CLUSTER,
        });
  const where = { serviceId: service.id, environmentId, clusterId };
  const application = await db.application.upsert({
    where: { argoInstanceId_namespace_name: { argoInstanceId: instanceId, namespace: observation.repository, name: placement.environment } },
    create: {
      argoInstanceId: instanceId,
      namespace: observation.repository,
      name: placement.environment,
      project: GITLAB_INSTANCE,
      repoUrl: observation.webUrl,
      ...where,
    },
    update: where,
    select: { id: true },
  });
  return { applicationId: application.id, serviceId: service.id, teamId: service.teamId, environmentId, clusterId };
}

// GitLab's bot users (project and group access tokens) are named project_<id>_bot_<hash> and group_<id>_bot_<hash>.
const BOT_USER = /^(?:project|group)_\d+_bot(?:_[0-9a-f]+)?$/;

function factsOf(operationKey: string, observation: GitlabDeploymentObservation): DeploymentFacts {
  const phase = PHASE[observation.status];
  return {
    operationKey,
    startedAt: observation.at,
    phase,
    finishedAt: isTerminalPhase(phase) ? observation.at : null,
    revision: observation.sha,
    images: [],
    initiatedBy: observation.user,
    automated: observation.user !== null && BOT_USER.test(observation.user),
    argoHistoryId: null,
    message: messageOf(observation),
    // GitLab reports no health; the status alone decides (deriveDeploymentStatus).
    lastHealth: null,
    lastHealthAt: null,
    healthyAt: null,
    degradedAt: null,
    observedAt: observation.at,
  };
}

function messageOf(observation: GitlabDeploymentObservation): string {
  const by = observation.deployable ? `job ${observation.deployable.id} (${observation.deployable.url})` : "the API or a trigger job";
  return observation.status === "canceled" ? `canceled; deployed by ${by}` : `deployed by ${by}`;
}

/** The phase log entry one observation states, in Argo CD's vocabulary where one exists. */
function eventsOf(observation: GitlabDeploymentObservation): PhaseEvent[] {
  const who = [observation.user ? `by ${observation.user}` : null, observation.deployable ? `job ${observation.deployable.url}` : null];
  return [{ kind: PHASE_LOG_KIND[observation.status], at: observation.at, detail: who.filter(Boolean).join(", ") || null }];
}
