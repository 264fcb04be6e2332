// Flux Kustomizations and HelmReleases (POST /api/webhooks/flux) recorded as deployments, like
// Argo CD's and other deployers', so every page, "where is commit X", DORA and the fleet matrix
// show them (docs/setup-flux.md).
//
// The application is the Flux object on its cluster: instance "flux/<cluster>" (each cluster runs
// its own Flux, as an Argo CD instance), namespace the object's, name "kustomization/<name>" or
// "helmrelease/<name>". One revision applied is one deployment (operation key
// "flux:<revision>"): Flux names no reconciliation, and a GitOps rollback is a new commit, so a
// revision is applied once. Its reports merge order-independently (mergeFluxReports): the
// earliest report starts it, the newest decides its outcome (a health check that failed and then
// passed at the same revision ends succeeded), a terminal report outranks Progressing of the same
// second, and a failure a success of the same second. The application's state is then derived
// from its deployments (refreshGithubApplication), so any arrival order converges.
//
// The release is named by the revision: its tag when Flux applied a tag shaped like a version,
// else the commit's first 12 characters; a HelmRelease's chart version, which names no commit.
import type { DbOrTx } from "../db/client";
import type { FleetDirectory } from "../fleet/fleet-directory";
import type { FluxObservation, FluxPhase } from "../flux/read-flux-observation";
import { recordRelease } from "../releases/record-release";
import { relinkRelease } from "../trace/link-release-commits";
import { deriveDeploymentStatus } from "./derive-deployment-status";
import { phaseLogInsert, type PhaseEvent } from "./phase-log";
import { refreshGithubApplication, releaseTagOf } from "./record-github-deployment";

export const FLUX_INSTANCE_PREFIX = "flux/";
const SHORT_SHA_LENGTH = 12;
const MAX_DETAIL = 2000;

export type FluxDeploymentObservation = Extract<FluxObservation, { kind: "deployment" }>;

/** One report of a deployment: its outcome at a time. */
export type FluxReport = { phase: FluxPhase; at: Date; message: string };

/** What is kept of a deployment's reports: when it started, and the report that decides its outcome. */
export type FluxDeploymentState = { startedAt: Date; decisive: FluxReport };

const RANK: Record<FluxPhase, number> = { RUNNING: 0, SUCCEEDED: 1, FAILED: 2 };

/** Commutative, associative and idempotent, so every arrival order of the same reports gives one state. */
export function mergeFluxReports(current: FluxDeploymentState | null, report: FluxReport): FluxDeploymentState {
  if (!current) return { startedAt: report.at, decisive: report };
  return {
    startedAt: current.startedAt <= report.at ? current.startedAt : report.at,
    decisive: outranks(report, current.decisive) ? report : current.decisive,
  };
}

function outranks(a: FluxReport, b: FluxReport): boolean {
  if (a.at.getTime() !== b.at.getTime()) return a.at > b.at;
  if (RANK[a.phase] !== RANK[b.phase]) return RANK[a.phase] > RANK[b.phase];
  return a.message > b.message;
}

export function fluxOperationKey(observation: Pick<FluxDeploymentObservation, "revision">): string {
  return `flux:${observation.revision.raw}`;
}

/** The release a revision is: pure, so its naming is tested alone. */
export function fluxReleaseVersion(observation: Pick<FluxDeploymentObservation, "revision">): { version: string; commitSha: string | null } {
  const { sha, ref, raw } = observation.revision;
  if (sha === null) return { version: raw.slice(0, 200), commitSha: null };
  return { version: releaseTagOf(ref) ?? sha.slice(0, SHORT_SHA_LENGTH), commitSha: sha };
}

export type RecordedFluxDeployment = { applicationId: number; deploymentId: number; releaseId: number };

export async function recordFluxDeployment(
  observation: FluxDeploymentObservation,
  { db, directory }: { db: DbOrTx; directory: FleetDirectory },
): Promise<RecordedFluxDeployment> {
  const application = await fluxApplication(db, directory, observation);
  const operationKey = fluxOperationKey(observation);
  // Lock the application: everything about it is serialised, whichever worker holds it.
  const rows = await db.$queryRaw<{ phase: FluxPhase | null; observed_at: Date | null; started_at: Date | null; message: string | null }[]>`
    SELECT d.phase, d.observed_at, d.started_at, d.message
    FROM applications a LEFT JOIN deployments d ON d.application_id = a.id AND d.operation_key = ${operationKey}
    WHERE a.id = ${application.applicationId}
    FOR UPDATE OF a`;
  const row = rows[0];
  const current: FluxDeploymentState | null =
    row?.started_at && row.observed_at && row.phase
      ? { startedAt: row.started_at, decisive: { phase: row.phase, at: row.observed_at, message: row.message ?? "" } }
      : null;
  const state = mergeFluxReports(current, { phase: observation.phase, at: observation.at, message: observation.message });
  const { decisive } = state;
  const finishedAt = decisive.phase === "RUNNING" ? null : decisive.at;
  const status = deriveDeploymentStatus({ phase: decisive.phase, lastHealth: null, rolledBackById: null });
  const revision = observation.revision.sha ?? observation.revision.raw.slice(0, 200);
  const release = await fluxRelease(db, application.serviceId, observation, state.startedAt);

  const written = await db.$queryRaw<{ id: number }[]>`
    WITH deployment AS (
      INSERT INTO deployments (application_id, operation_key, started_at, source, service_id, team_id, environment_id, cluster_id,
        release_id, phase, finished_at, revision, images, initiated_by, automated, message, observed_at, status, updated_at)
      VALUES (${application.applicationId}, ${operationKey}, ${state.startedAt}, 'FLUX', ${application.serviceId}, ${application.teamId},
        ${application.environmentId}, ${application.clusterId}, ${release}, ${decisive.phase}::"OperationPhase", ${finishedAt},
        ${revision}, ${[]}::text[], NULL, true, ${decisive.message}, ${decisive.at}, ${status}::"DeploymentStatus", now())
      ON CONFLICT (application_id, operation_key) DO UPDATE SET
        service_id = EXCLUDED.service_id, team_id = EXCLUDED.team_id, release_id = EXCLUDED.release_id, phase = EXCLUDED.phase,
        started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, revision = EXCLUDED.revision,
        message = EXCLUDED.message, observed_at = EXCLUDED.observed_at, status = EXCLUDED.status, updated_at = now()
      RETURNING id
    ), logged AS (${phaseLogInsert([phaseEventOf(observation)])})
    SELECT id FROM deployment`;
  await refreshGithubApplication(db, application.applicationId);
  return { applicationId: application.applicationId, deploymentId: written[0]!.id, releaseId: release };
}

const PHASE_LOG_KIND: Record<FluxPhase, string> = { RUNNING: "sync-running", SUCCEEDED: "sync-succeeded", FAILED: "sync-failed" };

function phaseEventOf(observation: FluxDeploymentObservation): PhaseEvent {
  return { kind: PHASE_LOG_KIND[observation.phase], at: observation.at, detail: `${observation.reason}: ${observation.message}`.slice(0, MAX_DETAIL) };
}

/**
 * The release the revision names, first seen when its deployment started. Every report of the
 * deployment names the same release, so each one records it and arrival order does not matter.
 */
async function fluxRelease(db: DbOrTx, serviceId: number, observation: FluxDeploymentObservation, seenAt: Date): Promise<number> {
  const { version, commitSha } = fluxReleaseVersion(observation);
  const recorded = await recordRelease(db, {
    serviceId,
    // releases.image is nullable: Flux events name the revision applied, not the images it runs.
    identity: { version, image: null as unknown as string },
    seenAt,
    commitSha,
  });
  if (recorded.changed || recorded.movedFrom) await relinkRelease(db, recorded.id);
  return recorded.id;
}

type FluxApplication = { applicationId: number; serviceId: number; teamId: number | null; environmentId: number; clusterId: number };

async function fluxApplication(db: DbOrTx, directory: FleetDirectory, observation: FluxDeploymentObservation): Promise<FluxApplication> {
  const { classification } = observation;
  const instanceId = await directory.instanceId(db, `${FLUX_INSTANCE_PREFIX}${observation.cluster}`);
  const clusterId = await directory.clusterId(db, instanceId, classification.cluster);
  const environmentId = await directory.environmentId(db, classification.environment);
  // The service of that name whatever its case, as deployment events find theirs.
  const known = await db.$queryRaw<{ name: string }[]>`
    SELECT name FROM services WHERE lower(name) = lower(${classification.service}) ORDER BY (name = ${classification.service}) DESC, name LIMIT 1`;
  const service = await directory.service(db, { ...classification, service: known[0]?.name ?? classification.service });
  const where = { serviceId: service.id, environmentId, clusterId };
  const application = await db.application.upsert({
    where: { argoInstanceId_namespace_name: { argoInstanceId: instanceId, namespace: observation.namespace, name: observation.applicationName } },
    create: {
      argoInstanceId: instanceId,
      namespace: observation.namespace,
      name: observation.applicationName,
      project: observation.objectKind,
      destinationNamespace: observation.namespace,
      ...where,
    },
    update: where,
    select: { id: true },
  });
  return { applicationId: application.id, serviceId: service.id, teamId: service.teamId, environmentId, clusterId };
}
