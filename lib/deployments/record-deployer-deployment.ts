// Deployments any deployer reports (POST /api/webhooks/deployments: a serverless deploy,
// Terraform, a mobile release, a database migration), recorded like Argo CD's and GitHub's so
// every page, "where is commit X", DORA and the fleet matrix show them.
//
// There is no application object, so one is kept per service, environment and target: instance
// "deployer", namespace = the service, name = environment[/cluster][/region][/function], on the
// target's cluster (else its region, else one cluster named "deployer"). Its service is the one of
// that name (case aside), created when there is none, learning the repository when it lacks one.
//
// One deployment (the sender's deploymentId, else its start time) is one Shiplog deployment
// (operation key "deployer:<id>"); each status report is an observation of it, merged with the
// order-independent rules of Argo CD's (merge-deployment-observation.ts), and the application's
// state is derived from its deployments afterwards, so any arrival order converges. "Rolled back"
// is a failure that was undone: phase FAILED, status ROLLED_BACK, and once reported it stays.
//
// The release is named by the event (`version`, else the commit's first 12 characters) and
// carries the commit, so the event alone is enough for releases and their commit ranges.
import type { DbOrTx } from "../db/client";
import type { FleetDirectory } from "../fleet/fleet-directory";
import type { DeploymentStatus, OperationPhase } from "../generated/prisma/enums";
import type { DeploymentEvent } from "../ingest/accept/deployment-event";
import { identifyRelease } from "../releases/identify-release";
import { recordRelease } from "../releases/record-release";
import { relinkRelease } from "../trace/link-release-commits";
import { deriveDeploymentStatus } from "./derive-deployment-status";
import { type DeploymentFacts, isTerminalPhase, mergeDeploymentFacts } from "./merge-deployment-observation";
import { phaseLogInsert, type PhaseEvent } from "./phase-log";
import { refreshGithubApplication } from "./record-github-deployment";

export const DEPLOYER_INSTANCE = "deployer";
const SHORT_SHA_LENGTH = 12;

const PHASE: Record<DeploymentEvent["status"], OperationPhase> = {
  started: "RUNNING",
  succeeded: "SUCCEEDED",
  failed: "FAILED",
  rolled_back: "FAILED",
};

const PHASE_LOG_KIND: Record<Exclude<DeploymentEvent["status"], "started">, string> = {
  succeeded: "sync-succeeded",
  failed: "sync-failed",
  rolled_back: "rolled-back",
};

export type RecordedDeployerDeployment = { applicationId: number; deploymentId: number; releaseId: number };

/** Where one event's deployment lives in the fleet model: pure, so its naming is tested alone. */
export function deployerPlacement(event: Pick<DeploymentEvent, "service" | "environment" | "target">) {
  const environment = event.environment.trim().toLowerCase();
  const target = event.target ?? {};
  const clusterName = target.cluster ?? target.region ?? DEPLOYER_INSTANCE;
  return {
    environment,
    cluster: {
      server: `${DEPLOYER_INSTANCE}://${clusterName}`,
      name: clusterName,
      region: target.region ?? undefined,
    },
    applicationName: [environment, target.cluster, target.region, target.function].filter((part) => part != null).join("/"),
  };
}

export function deployerOperationKey(event: Pick<DeploymentEvent, "deploymentId" | "startedAt">): string {
  return `deployer:${event.deploymentId ?? new Date(event.startedAt).toISOString()}`;
}

export async function recordDeployerDeployment(
  event: DeploymentEvent,
  { db, directory }: { db: DbOrTx; directory: FleetDirectory },
): Promise<RecordedDeployerDeployment> {
  const sha = event.commitSha.toLowerCase();
  const placement = deployerPlacement(event);
  const application = await deployerApplication(db, directory, event, placement);
  const operationKey = deployerOperationKey(event);
  // Lock the application: everything about it is serialised, whichever worker holds it.
  const rows = await db.$queryRaw<ExistingRow[]>`
    SELECT d.phase, d.finished_at, d.revision, d.images, d.initiated_by, d.automated, d.message, d.observed_at, d.started_at,
           d.status
    FROM applications a LEFT JOIN deployments d ON d.application_id = a.id AND d.operation_key = ${operationKey}
    WHERE a.id = ${application.applicationId}
    FOR UPDATE OF a`;
  const row = rows[0];
  const incoming = factsOf(operationKey, event, sha);
  const merged = mergeDeploymentFacts(row?.started_at ? factsFromRow(operationKey, row) : null, incoming);
  // The earliest start reported for the deployment, whichever report came first.
  const facts = { ...merged, startedAt: row?.started_at && row.started_at < incoming.startedAt ? row.started_at : incoming.startedAt };
  const rolledBack = event.status === "rolled_back" || row?.status === "ROLLED_BACK";
  const status: DeploymentStatus =
    rolledBack && facts.phase === "FAILED" ? "ROLLED_BACK" : deriveDeploymentStatus({ ...facts, rolledBackById: null });

  const release = await deployerRelease(db, application.serviceId, event, sha);

  const written = await db.$queryRaw<{ id: number }[]>`
    WITH deployment AS (
      INSERT INTO deployments (application_id, operation_key, started_at, source, service_id, team_id, environment_id, cluster_id,
        release_id, phase, finished_at, revision, images, initiated_by, automated, message, observed_at, status, updated_at)
      VALUES (${application.applicationId}, ${operationKey}, ${facts.startedAt}, 'DEPLOYER', ${application.serviceId}, ${application.teamId},
        ${application.environmentId}, ${application.clusterId}, ${release}, ${facts.phase}::"OperationPhase", ${facts.finishedAt},
        ${facts.revision}, ${facts.images}::text[], ${facts.initiatedBy}, ${facts.automated}, ${facts.message}, ${facts.observedAt},
        ${status}::"DeploymentStatus", now())
      ON CONFLICT (application_id, operation_key) DO UPDATE SET
        service_id = EXCLUDED.service_id, team_id = EXCLUDED.team_id, release_id = EXCLUDED.release_id, phase = EXCLUDED.phase,
        started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, revision = EXCLUDED.revision, images = EXCLUDED.images,
        initiated_by = EXCLUDED.initiated_by, automated = EXCLUDED.automated, message = EXCLUDED.message,
        observed_at = EXCLUDED.observed_at, status = EXCLUDED.status, updated_at = now()
      RETURNING id
    ), logged AS (${phaseLogInsert(eventsOf(event))})
    SELECT id FROM deployment`;
  await refreshGithubApplication(db, application.applicationId);
  return { applicationId: application.applicationId, deploymentId: written[0]!.id, releaseId: release };
}

/**
 * The release the event names, recorded with its commit (first seen when the deployment
 * started). Every report of the deployment names the same release, so each one records it and
 * arrival order does not matter. The image is the service's own one of `images`, if any.
 */
async function deployerRelease(db: DbOrTx, serviceId: number, event: DeploymentEvent, sha: string): Promise<number> {
  const version = event.version ?? sha.slice(0, SHORT_SHA_LENGTH);
  const image = event.images?.length ? identifyRelease(event.service, event.images) : undefined;
  const recorded = await recordRelease(db, {
    serviceId,
    // releases.image is nullable: a deployment without images deployed a commit, not an image.
    identity: { version, image: (image?.image ?? null) as unknown as string, tag: image?.tag, digest: image?.digest },
    seenAt: new Date(event.startedAt),
    commitSha: sha,
  });
  if (recorded.changed || recorded.movedFrom) await relinkRelease(db, recorded.id);
  return recorded.id;
}

type DeployerApplication = { applicationId: number; serviceId: number; teamId: number | null; environmentId: number; clusterId: number };

async function deployerApplication(
  db: DbOrTx,
  directory: FleetDirectory,
  event: DeploymentEvent,
  placement: ReturnType<typeof deployerPlacement>,
): Promise<DeployerApplication> {
  const instanceId = await directory.instanceId(db, DEPLOYER_INSTANCE);
  const clusterId = await directory.clusterId(db, instanceId, placement.cluster);
  const environmentId = await directory.environmentId(db, placement.environment);
  // The service of that name whatever its case, as GitHub deployments find theirs.
  const known = await db.$queryRaw<{ name: string }[]>`
    SELECT name FROM services WHERE lower(name) = lower(${event.service}) ORDER BY (name = ${event.service}) DESC, name LIMIT 1`;
  const serviceName = known[0]?.name ?? event.service;
  const service = await directory.service(db, {
    service: serviceName,
    repository: event.repository ?? undefined,
    environment: placement.environment,
    cluster: placement.cluster,
  });
  const where = { serviceId: service.id, environmentId, clusterId };
  const application = await db.application.upsert({
    where: { argoInstanceId_namespace_name: { argoInstanceId: instanceId, namespace: serviceName, name: placement.applicationName } },
    create: {
      argoInstanceId: instanceId,
      namespace: serviceName,
      name: placement.applicationName,
      project: DEPLOYER_INSTANCE,
      repoUrl: event.repository ? `https://github.com/${event.repository}` : null,
      ...where,
    },
    update: where,
    select: { id: true },
  });
  return { applicationId: application.id, serviceId: service.id, teamId: service.teamId, environmentId, clusterId };
}

function factsOf(operationKey: string, event: DeploymentEvent, sha: string): DeploymentFacts {
  const phase = PHASE[event.status];
  const finishedAt = isTerminalPhase(phase) && event.finishedAt ? new Date(event.finishedAt) : null;
  return {
    operationKey,
    startedAt: new Date(event.startedAt),
    phase,
    finishedAt,
    revision: sha,
    images: [...(event.images ?? [])].sort(),
    initiatedBy: event.by ?? null,
    automated: event.automated ?? false,
    argoHistoryId: null,
    message: event.message ?? null,
    // Deployers report no health; the status alone decides (deriveDeploymentStatus).
    lastHealth: null,
    lastHealthAt: null,
    healthyAt: null,
    degradedAt: null,
    observedAt: finishedAt ?? new Date(event.startedAt),
  };
}

/** The phase log entries one event states, in Argo CD's vocabulary where one exists. */
function eventsOf(event: DeploymentEvent): PhaseEvent[] {
  const events: PhaseEvent[] = [{ kind: "sync-running", at: new Date(event.startedAt), detail: event.by ? `by ${event.by}` : null }];
  if (event.status !== "started" && event.finishedAt) {
    events.push({ kind: PHASE_LOG_KIND[event.status], at: new Date(event.finishedAt), detail: event.message ?? null });
  }
  return events;
}

type ExistingRow = {
  phase: OperationPhase;
  finished_at: Date | null;
  revision: string | null;
  images: string[] | null;
  initiated_by: string | null;
  automated: boolean;
  message: string | null;
  observed_at: Date;
  started_at: Date | null;
  status: DeploymentStatus | null;
};

function factsFromRow(operationKey: string, row: ExistingRow): DeploymentFacts {
  return {
    operationKey,
    startedAt: row.started_at!,
    phase: row.phase,
    finishedAt: row.finished_at,
    revision: row.revision,
    images: row.images ?? [],
    initiatedBy: row.initiated_by,
    automated: row.automated,
    argoHistoryId: null,
    message: row.message,
    lastHealth: null,
    lastHealthAt: null,
    healthyAt: null,
    degradedAt: null,
    observedAt: row.observed_at,
  };
}
