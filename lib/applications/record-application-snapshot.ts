// Projects one observation of an Argo CD application into the fleet model: the application's
// current state, the deployment for its sync operation (with phase log), the release it runs,
// and rollback links between consecutive deployments. The ingestion worker and the demo fleet
// both call this; run it inside a transaction.
import type { ApplicationSnapshot } from "../argocd/application-snapshot";
import type { DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { deriveDeploymentStatus } from "../deployments/derive-deployment-status";
import { phaseLogInsert } from "../deployments/phase-log";
import {
  type DeploymentFacts,
  deploymentFactsOf,
  isTerminalPhase,
  mergeDeploymentFacts,
} from "../deployments/merge-deployment-observation";
import { applicationPaths } from "../fleet/application-paths";
import { type ClassificationRules, classifyApplication, defaultClassificationRules } from "../fleet/classify-application";
import type { ApplicationRef, FleetDirectory } from "../fleet/fleet-directory";
import { recordServicePaths } from "../fleet/record-service-paths";
import { identifyRelease } from "../releases/identify-release";
import { recordRelease } from "../releases/record-release";
import { relinkRelease } from "../trace/link-release-commits";
import { type ApplicationState, applicationStateOf, supersedes } from "./merge-application-state";

export type RecordSnapshotResult = {
  applicationId: number;
  deploymentId: number | null;
  /** False when a newer observation of the application was already recorded. */
  appliedToApplication: boolean;
};

export async function recordApplicationSnapshot(
  db: DbOrTx,
  directory: FleetDirectory,
  snapshot: ApplicationSnapshot,
  rules: ClassificationRules = defaultClassificationRules,
): Promise<RecordSnapshotResult> {
  const classification = classifyApplication(snapshot, rules);
  const ref = await directory.application(db, snapshot, classification, rules);

  const incomingFacts = deploymentFactsOf(snapshot);
  const startedAt = incomingFacts?.startedAt ?? null;
  // One round trip: lock the application (serializing everything about it, whichever worker
  // holds it) and read its state and this operation's deployment, if any.
  const rows = await db.$queryRaw<(ApplicationStateRow & DeploymentRowRaw)[]>`
    SELECT a.sync_status, a.health_status, a.synced_revision, a.images, a.auto_sync, a.repo_url, a.path, a.manifest_generate_paths, a.chart,
           a.target_revision, a.destination_namespace, a.project, a.last_operation_phase, a.last_operation_at, a.observed_at,
           d.id AS d_id, d.phase AS d_phase, d.finished_at AS d_finished_at, d.revision AS d_revision, d.images AS d_images,
           d.initiated_by AS d_initiated_by, d.automated AS d_automated, d.argo_history_id AS d_argo_history_id,
           d.message AS d_message, d.last_health AS d_last_health, d.last_health_at AS d_last_health_at,
           d.healthy_at AS d_healthy_at, d.degraded_at AS d_degraded_at, d.observed_at AS d_observed_at,
           d.started_at AS d_started_at, d.release_id AS d_release_id, d.rolled_back_by_id AS d_rolled_back_by_id,
           d.is_rollback AS d_is_rollback,
           -- The neighbours that decide rollback links, read now to save a round trip.
           prev.id AS p_id, prev.release_id AS p_release_id, prev.first_seen_at AS p_first_seen_at,
           prev.phase AS p_phase, prev.last_health AS p_last_health, prev.rolled_back_by_id AS p_rolled_back_by_id,
           EXISTS (SELECT 1 FROM deployments n WHERE n.application_id = a.id AND n.started_at > ${startedAt}) AS has_next
    FROM applications a
    LEFT JOIN LATERAL (
      SELECT p.id, p.release_id, r.first_seen_at, p.phase, p.last_health, p.rolled_back_by_id FROM deployments p
      JOIN releases r ON r.id = p.release_id
      WHERE p.application_id = a.id AND p.started_at < ${startedAt}
      ORDER BY p.started_at DESC LIMIT 1
    ) prev ON true
    LEFT JOIN deployments d ON d.application_id = a.id AND d.operation_key = ${incomingFacts?.operationKey ?? null}
    WHERE a.id = ${ref.applicationId}
    FOR UPDATE OF a`;
  const current = rows[0]!;
  const releases = new Map<string, Promise<ReleaseRef | null>>();
  const release = (images: string[], configRevision: string | null, seenAt: Date) => {
    const key = images.join(" ");
    if (!releases.has(key)) releases.set(key, releaseFor(db, directory, ref, images, configRevision, seenAt));
    return releases.get(key)!;
  };

  const deploymentId = incomingFacts ? await recordDeployment(db, ref, snapshot, incomingFacts, current, release) : null;

  const incoming = applicationStateOf(snapshot);
  const existing = current.observed_at ? stateFromRow(current) : null;
  const applied = supersedes(existing, incoming);
  if (applied) {
    await applyApplicationState(db, ref, incoming, snapshot, release);
    // A monorepo service's paths (lib/fleet/record-service-paths.ts), when this application names any.
    const source = { labels: snapshot.labels, manifestGeneratePaths: snapshot.manifestGeneratePaths, repoUrl: snapshot.source.repoUrl, path: snapshot.source.path };
    if (applicationPaths(source, ref.repository, rules) !== null) await recordServicePaths(db, ref.serviceId, rules);
  } else {
    // A late observation leaves the state as it is, but what it saw running is still evidence:
    // the release exists and was seen then (recording it is what makes arrival order not matter).
    if (incoming.images.length > 0) await release(incoming.images, incoming.syncedRevision, snapshot.operation?.startedAt ?? snapshot.observedAt);
    // A late deployment can also change what is derived from deployments.
    if (deploymentId !== null) await refreshDerivedFromDeployments(db, ref.applicationId);
  }
  return { applicationId: ref.applicationId, deploymentId, appliedToApplication: applied };
}

type ReleaseRef = { id: number; firstSeenAt: Date };
type ReleaseLookup = (images: string[], configRevision: string | null, seenAt: Date) => Promise<ReleaseRef | null>;

async function releaseFor(
  db: DbOrTx,
  directory: FleetDirectory,
  ref: ApplicationRef,
  images: string[],
  configRevision: string | null,
  seenAt: Date,
): Promise<ReleaseRef | null> {
  const identity = identifyRelease(ref.serviceName, images);
  if (!identity) return null;
  const key = `${ref.serviceId}|${identity.version}`;
  const known = directory.releases.get(key);
  // Nothing to learn: the database already holds an earlier sighting and the commit.
  if (known && known.commitSha !== null && known.firstSeenAt <= seenAt) return known;
  const release = await recordRelease(db, {
    serviceId: ref.serviceId,
    identity,
    seenAt,
    // Not the cached commit: evidence may have been re-derived since (rederiveReleaseCommits).
    commitSha: null,
    resolveCommit: { configRevision, repository: ref.repository },
  });
  directory.releases.set(key, { id: release.id, firstSeenAt: release.firstSeenAt, commitSha: release.commitSha });
  // New, newly given its commit, or seen earlier than known (its place among same-commit releases).
  if ((release.changed || release.movedFrom) && release.commitSha) await relinkRelease(db, release.id);
  // Seen earlier than known: it now compares older against releases deployed next to it.
  if (release.movedFrom) await relinkRollbacksOfRelease(db, release.id);
  return release;
}

type DeploymentRowRaw = {
  d_id: number | null;
  d_phase: DeploymentFacts["phase"];
  d_finished_at: Date | null;
  d_revision: string | null;
  d_images: string[];
  d_initiated_by: string | null;
  d_automated: boolean;
  d_argo_history_id: number | null;
  d_message: string | null;
  d_last_health: DeploymentFacts["lastHealth"];
  d_last_health_at: Date | null;
  d_healthy_at: Date | null;
  d_degraded_at: Date | null;
  d_observed_at: Date;
  d_started_at: Date;
  d_release_id: number | null;
  d_rolled_back_by_id: number | null;
  d_is_rollback: boolean | null;
  p_id: number | null;
  p_release_id: number | null;
  p_first_seen_at: Date | null;
  p_phase: DeploymentFacts["phase"] | null;
  p_last_health: DeploymentFacts["lastHealth"];
  p_rolled_back_by_id: number | null;
  has_next: boolean;
};

async function recordDeployment(
  db: DbOrTx,
  ref: ApplicationRef,
  snapshot: ApplicationSnapshot,
  incoming: DeploymentFacts,
  row: DeploymentRowRaw,
  lookupRelease: ReleaseLookup,
): Promise<number> {
  const existing = row.d_id === null ? null : factsFromRow(incoming.operationKey, row);
  const facts = mergeDeploymentFacts(existing, incoming);
  // While an operation runs, and after it fails, Argo CD reports the images it was replacing;
  // only a succeeded operation names the release it deployed.
  const release = facts.phase === "SUCCEEDED" ? await lookupRelease(facts.images, facts.revision, facts.startedAt) : null;
  const releaseId = release?.id ?? row.d_release_id;
  const releaseChanged = releaseId !== null && releaseId !== row.d_release_id;
  // In-order arrivals (nothing later on this application) decide rollback links from the
  // previous deployment read above; a late arrival relinks its neighbourhood after the write.
  const previousIsNewer =
    release !== null && row.p_release_id !== null && row.p_release_id !== release.id && row.p_first_seen_at! > release.firstSeenAt;
  const isRollback = releaseChanged && !row.has_next ? previousIsNewer : (row.d_is_rollback ?? false);
  const status = deriveDeploymentStatus({ ...facts, rolledBackById: row.d_rolled_back_by_id });
  const events = phaseEvents(snapshot);
  // Upsert the deployment and append its phase log in one statement; repeats add nothing.
  const written = await db.$queryRaw<{ id: number }[]>`
    WITH deployment AS (
      INSERT INTO deployments (application_id, operation_key, started_at, source, service_id, team_id, environment_id, cluster_id,
        release_id, phase, finished_at, revision, images, initiated_by, automated, argo_history_id, message,
        last_health, last_health_at, healthy_at, degraded_at, observed_at, status, is_rollback, updated_at)
      VALUES (${ref.applicationId}, ${facts.operationKey}, ${facts.startedAt}, 'ARGOCD', ${ref.serviceId}, ${ref.teamId},
        ${ref.environmentId}, ${ref.clusterId}, ${releaseId}, ${facts.phase}::"OperationPhase", ${facts.finishedAt},
        ${facts.revision}, ${facts.images}::text[], ${facts.initiatedBy}, ${facts.automated}, ${facts.argoHistoryId},
        ${facts.message}, ${facts.lastHealth}::"HealthStatus", ${facts.lastHealthAt}, ${facts.healthyAt}, ${facts.degradedAt},
        ${facts.observedAt}, ${status}::"DeploymentStatus", ${isRollback}, now())
      ON CONFLICT (application_id, operation_key) DO UPDATE SET
        service_id = EXCLUDED.service_id, team_id = EXCLUDED.team_id, environment_id = EXCLUDED.environment_id,
        cluster_id = EXCLUDED.cluster_id, release_id = EXCLUDED.release_id, phase = EXCLUDED.phase,
        finished_at = EXCLUDED.finished_at, revision = EXCLUDED.revision, images = EXCLUDED.images,
        initiated_by = EXCLUDED.initiated_by, automated = EXCLUDED.automated, argo_history_id = EXCLUDED.argo_history_id,
        message = EXCLUDED.message, last_health = EXCLUDED.last_health, last_health_at = EXCLUDED.last_health_at,
        healthy_at = EXCLUDED.healthy_at, degraded_at = EXCLUDED.degraded_at, observed_at = EXCLUDED.observed_at,
        status = EXCLUDED.status, is_rollback = EXCLUDED.is_rollback, updated_at = now()
      RETURNING id
    ), logged AS (${phaseLogInsert(events)})
    SELECT id FROM deployment`;
  const id = written[0]!.id;
  if (releaseChanged && row.has_next) {
    await relinkRollbacks(db, ref.applicationId, facts.startedAt);
  } else if (releaseChanged && row.p_id !== null) {
    const rolledBackById = previousIsNewer ? id : null;
    if (row.p_rolled_back_by_id !== rolledBackById) {
      const previousStatus = deriveDeploymentStatus({ phase: row.p_phase!, lastHealth: row.p_last_health, rolledBackById });
      await db.$executeRaw`
        UPDATE deployments SET rolled_back_by_id = ${rolledBackById}, status = ${previousStatus}::"DeploymentStatus", updated_at = now()
        WHERE id = ${row.p_id}`;
    }
  }
  return id;
}

/** The phase log entries one snapshot states. */
function phaseEvents(snapshot: ApplicationSnapshot): { kind: string; at: Date; detail: string | null }[] {
  const operation = snapshot.operation!;
  const events: { kind: string; at: Date; detail: string | null }[] = [
    { kind: "sync-running", at: operation.startedAt, detail: operation.initiatedBy ? `by ${operation.initiatedBy}` : "automated" },
  ];
  if (operation.finishedAt && isTerminalPhase(operation.phase)) {
    events.push({ kind: `sync-${operation.phase.toLowerCase()}`, at: operation.finishedAt, detail: operation.message ?? null });
  }
  if (isTerminalPhase(operation.phase)) {
    events.push({ kind: `health-${snapshot.health.status.toLowerCase()}`, at: snapshot.observedAt, detail: snapshot.health.message ?? null });
  }
  return events;
}

/**
 * A deployment that puts back an older release than the one before it on the same application
 * is a rollback, and the one it replaced is rolled back. Recomputed for the neighbours of a
 * deployment whenever its release becomes known, so late arrivals still link correctly.
 */
async function relinkRollbacks(db: DbOrTx, applicationId: number, around: Date): Promise<void> {
  const window = await db.$queryRaw<
    { id: number; release_id: number | null; first_seen_at: Date | null; phase: string; last_health: string | null; rolled_back_by_id: number | null; is_rollback: boolean }[]
  >`
    (SELECT d.id, d.release_id, r.first_seen_at, d.phase::text, d.last_health::text, d.rolled_back_by_id, d.is_rollback, d.started_at
       FROM deployments d LEFT JOIN releases r ON r.id = d.release_id
      WHERE d.application_id = ${applicationId} AND d.started_at < ${around} AND d.release_id IS NOT NULL
      ORDER BY d.started_at DESC LIMIT 1)
    UNION ALL
    (SELECT d.id, d.release_id, r.first_seen_at, d.phase::text, d.last_health::text, d.rolled_back_by_id, d.is_rollback, d.started_at
       FROM deployments d LEFT JOIN releases r ON r.id = d.release_id
      WHERE d.application_id = ${applicationId} AND d.started_at >= ${around} AND d.release_id IS NOT NULL
      ORDER BY d.started_at ASC LIMIT 2)
    ORDER BY started_at`;
  for (let index = 1; index < window.length; index += 1) {
    const previous = window[index - 1]!;
    const next = window[index]!;
    const isRollback =
      previous.release_id !== next.release_id &&
      previous.first_seen_at !== null &&
      next.first_seen_at !== null &&
      next.first_seen_at < previous.first_seen_at;
    if (next.is_rollback !== isRollback) {
      await db.deployment.update({ where: { id: next.id }, data: { isRollback } });
    }
    const rolledBackById = isRollback ? next.id : null;
    if (previous.rolled_back_by_id !== rolledBackById) {
      const status = deriveDeploymentStatus({
        phase: previous.phase as DeploymentFacts["phase"],
        lastHealth: previous.last_health as DeploymentFacts["lastHealth"],
        rolledBackById,
      });
      await db.deployment.update({ where: { id: previous.id }, data: { rolledBackById, status } });
    }
  }
}

/** Relinks the neighbours of every deployment of a release, in every application. */
async function relinkRollbacksOfRelease(db: DbOrTx, releaseId: number): Promise<void> {
  const deployments = await db.$queryRaw<{ application_id: number; started_at: Date }[]>`
    SELECT application_id, started_at FROM deployments WHERE release_id = ${releaseId} ORDER BY application_id, started_at`;
  for (const deployment of deployments) await relinkRollbacks(db, deployment.application_id, deployment.started_at);
}

async function applyApplicationState(
  db: DbOrTx,
  ref: ApplicationRef,
  state: ApplicationState,
  snapshot: ApplicationSnapshot,
  release: ReleaseLookup,
): Promise<void> {
  const releaseId = state.images.length
    ? ((await release(state.images, state.syncedRevision, snapshot.operation?.startedAt ?? snapshot.observedAt))?.id ?? null)
    : null;
  await db.$executeRaw`
    UPDATE applications SET
      sync_status = ${state.syncStatus}::"SyncStatus", health_status = ${state.healthStatus}::"HealthStatus",
      synced_revision = ${state.syncedRevision}, images = ${state.images}::text[], auto_sync = ${state.autoSync},
      repo_url = ${state.repoUrl}, path = ${state.path}, manifest_generate_paths = ${state.manifestGeneratePaths}, chart = ${state.chart}, target_revision = ${state.targetRevision},
      destination_namespace = ${state.destinationNamespace}, project = ${state.project},
      last_operation_phase = ${state.lastOperationPhase}::"OperationPhase", last_operation_at = ${state.lastOperationAt},
      observed_at = ${state.observedAt}, deleted_at = NULL, updated_at = now(),
      current_release_id = ${releaseId},
      ${derivedFromDeployments(ref.applicationId, Prisma.sql`${releaseId}::int`, Prisma.sql`${state.observedAt}`)}
    WHERE id = ${ref.applicationId}`;
}

async function refreshDerivedFromDeployments(db: DbOrTx, applicationId: number): Promise<void> {
  await db.$executeRaw`
    UPDATE applications SET updated_at = now(),
      ${derivedFromDeployments(applicationId, Prisma.sql`applications.current_release_id`, Prisma.sql`applications.observed_at`)}
    WHERE id = ${applicationId}`;
}

/**
 * SET clauses for what the application's deployments decide: the last deployment is the newest
 * operation; the current release has run since the end of the first deployment of the unbroken
 * run of its deployments that leads up to now.
 */
function derivedFromDeployments(applicationId: number, releaseId: Prisma.Sql, observedAt: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
      last_deployment_id = (SELECT id FROM deployments WHERE application_id = ${applicationId} ORDER BY started_at DESC LIMIT 1),
      current_release_since = CASE WHEN ${releaseId} IS NULL THEN NULL ELSE COALESCE((
        SELECT min(COALESCE(d.finished_at, d.started_at)) FROM deployments d
        WHERE d.application_id = ${applicationId} AND d.release_id = ${releaseId}
          AND d.started_at > COALESCE((
            SELECT max(o.started_at) FROM deployments o
            WHERE o.application_id = ${applicationId} AND o.release_id IS DISTINCT FROM ${releaseId}
              AND o.phase = 'SUCCEEDED'), '-infinity')), ${observedAt}) END`;
}

type ApplicationStateRow = {
  sync_status: ApplicationState["syncStatus"];
  health_status: ApplicationState["healthStatus"];
  synced_revision: string | null;
  images: string[];
  auto_sync: boolean;
  repo_url: string | null;
  path: string | null;
  manifest_generate_paths: string | null;
  chart: string | null;
  target_revision: string | null;
  destination_namespace: string | null;
  project: string;
  last_operation_phase: ApplicationState["lastOperationPhase"];
  last_operation_at: Date | null;
  observed_at: Date | null;
};

function stateFromRow(row: ApplicationStateRow): ApplicationState {
  return {
    syncStatus: row.sync_status,
    healthStatus: row.health_status,
    syncedRevision: row.synced_revision,
    images: row.images,
    autoSync: row.auto_sync,
    repoUrl: row.repo_url,
    path: row.path,
    manifestGeneratePaths: row.manifest_generate_paths,
    chart: row.chart,
    targetRevision: row.target_revision,
    destinationNamespace: row.destination_namespace,
    project: row.project,
    lastOperationPhase: row.last_operation_phase,
    lastOperationAt: row.last_operation_at,
    observedAt: row.observed_at!,
  };
}

function factsFromRow(operationKey: string, row: DeploymentRowRaw): DeploymentFacts {
  return {
    operationKey,
    startedAt: row.d_started_at,
    phase: row.d_phase,
    finishedAt: row.d_finished_at,
    revision: row.d_revision,
    images: row.d_images,
    initiatedBy: row.d_initiated_by,
    automated: row.d_automated,
    argoHistoryId: row.d_argo_history_id,
    message: row.d_message,
    lastHealth: row.d_last_health,
    lastHealthAt: row.d_last_health_at,
    healthyAt: row.d_healthy_at,
    degradedAt: row.d_degraded_at,
    observedAt: row.d_observed_at,
  };
}
