// Projects one observation of an Argo CD application into the fleet model: the application's
// current state, the deployment for its sync operation (with phase log), the release it runs,
// and rollback links between consecutive deployments. The ingestion worker and the demo fleet
// both call this; run it inside a transaction.
import type { ApplicationSnapshot } from "../argocd/application-snapshot";
import { applicationSourcesSchema } from "../argocd/application-sources";
import type { DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import type { DeploymentStatus } from "../generated/prisma/enums";
import { deriveDeploymentStatus } from "../deployments/derive-deployment-status";
import { type PhaseEvent, phaseLogInsertByApplication } from "../deployments/phase-log";
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
  // One round trip: lock the application (serializing everything about it, whichever worker
  // holds it) and read its state and this operation's deployment, if any.
  const current = (await readSnapshotRows(db, [snapshotTarget(ref, incomingFacts)])).get(ref.applicationId)!;
  const release = releaseLookup(db, directory, ref);

  let deploymentId: number | null = null;
  if (incomingFacts) {
    const plan = await planDeployment(ref, snapshot, incomingFacts, current, release);
    deploymentId = (await writeDeployments(db, [plan])).get(ref.applicationId)!;
    // A late arrival relinks its neighbourhood after the write; an in-order one its predecessor.
    if (plan.relinkNeighbours) await relinkRollbacks(db, ref.applicationId, plan.facts.startedAt);
    else await linkPrevious(db, [plan], new Map([[ref.applicationId, deploymentId]]));
  }

  const incoming = applicationStateOf(snapshot);
  const existing = current.observed_at ? stateFromRow(current) : null;
  const applied = supersedes(existing, incoming);
  if (applied) {
    await writeApplicationStates(db, [await planApplicationState(ref, incoming, snapshot, release)]);
    // A monorepo service's paths (lib/fleet/record-service-paths.ts), when this application names any.
    if (namesServicePaths(snapshot, ref, rules)) await recordServicePaths(db, ref.serviceId, rules);
  } else {
    // A late observation leaves the state as it is, but what it saw running is still evidence:
    // the release exists and was seen then (recording it is what makes arrival order not matter).
    if (incoming.images.length > 0) await release(incoming.images, incoming.syncedRevision, snapshot.operation?.startedAt ?? snapshot.observedAt);
    // A late deployment can also change what is derived from deployments.
    if (deploymentId !== null) await refreshDerivedFromDeployments(db, ref.applicationId);
  }
  return { applicationId: ref.applicationId, deploymentId, appliedToApplication: applied };
}

export type ReleaseRef = { id: number; firstSeenAt: Date };
export type ReleaseLookup = (images: string[], configRevision: string | null, seenAt: Date) => Promise<ReleaseRef | null>;

/**
 * The release lookups of one snapshot, each set of images looked up once. `beforeRelink` runs
 * before a lookup relinks release commits or rollbacks (lib/applications/record-application-
 * snapshots.ts writes what it has planned first, since relinking reads it).
 */
export function releaseLookup(db: DbOrTx, directory: FleetDirectory, ref: ApplicationRef, beforeRelink?: () => Promise<void>): ReleaseLookup {
  const releases = new Map<string, Promise<ReleaseRef | null>>();
  return (images, configRevision, seenAt) => {
    const key = images.join(" ");
    if (!releases.has(key)) releases.set(key, releaseFor(db, directory, ref, images, configRevision, seenAt, beforeRelink));
    return releases.get(key)!;
  };
}

async function releaseFor(
  db: DbOrTx,
  directory: FleetDirectory,
  ref: ApplicationRef,
  images: string[],
  configRevision: string | null,
  seenAt: Date,
  beforeRelink: (() => Promise<void>) | undefined,
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
  const relinkCommits = (release.changed || release.movedFrom !== null) && release.commitSha !== null;
  if (relinkCommits || release.movedFrom) await beforeRelink?.();
  // New, newly given its commit, or seen earlier than known (its place among same-commit releases).
  if (relinkCommits) await relinkRelease(db, release.id);
  // Seen earlier than known: it now compares older against releases deployed next to it.
  if (release.movedFrom) await relinkRollbacksOfRelease(db, release.id);
  return release;
}

/** What readSnapshotRows reads an application by: its deployment for this operation, and the one before it. */
export type SnapshotTarget = { applicationId: number; operationKey: string | null; startedAt: Date | null };

export function snapshotTarget(ref: ApplicationRef, facts: DeploymentFacts | undefined): SnapshotTarget {
  return { applicationId: ref.applicationId, operationKey: facts?.operationKey ?? null, startedAt: facts?.startedAt ?? null };
}

export type SnapshotRow = ApplicationStateRow & DeploymentRowRaw & { application_id: number };

/**
 * Locks the applications (in id order, so two workers' batches cannot deadlock on them) and
 * reads each one's state, the deployment of the operation its snapshot reports, and the
 * neighbours that decide rollback links: one round trip for any number of applications.
 */
export async function readSnapshotRows(db: DbOrTx, targets: SnapshotTarget[]): Promise<Map<number, SnapshotRow>> {
  const rows = await db.$queryRaw<SnapshotRow[]>`
    SELECT a.id AS application_id, a.sync_status, a.health_status, a.synced_revision, a.images, a.auto_sync, a.repo_url, a.path,
           a.manifest_generate_paths, a.chart, a.target_revision, a.sources, a.destination_namespace, a.project, a.last_operation_phase,
           a.last_operation_at, a.observed_at,
           d.id AS d_id, d.phase AS d_phase, d.finished_at AS d_finished_at, d.revision AS d_revision, d.revisions AS d_revisions,
           d.images AS d_images,
           d.initiated_by AS d_initiated_by, d.automated AS d_automated, d.argo_history_id AS d_argo_history_id,
           d.message AS d_message, d.last_health AS d_last_health, d.last_health_at AS d_last_health_at,
           d.healthy_at AS d_healthy_at, d.degraded_at AS d_degraded_at, d.observed_at AS d_observed_at,
           d.started_at AS d_started_at, d.release_id AS d_release_id, d.rolled_back_by_id AS d_rolled_back_by_id,
           d.is_rollback AS d_is_rollback, d.rollout_aborted_at AS d_rollout_aborted_at,
           prev.id AS p_id, prev.release_id AS p_release_id, prev.first_seen_at AS p_first_seen_at,
           prev.phase AS p_phase, prev.last_health AS p_last_health, prev.rolled_back_by_id AS p_rolled_back_by_id,
           prev.rollout_aborted_at AS p_rollout_aborted_at,
           EXISTS (SELECT 1 FROM deployments n WHERE n.application_id = a.id AND n.started_at > t.started_at) AS has_next
    FROM unnest(${targets.map((target) => target.applicationId)}::int[], ${targets.map((target) => target.operationKey)}::text[],
      ${targets.map((target) => target.startedAt)}::timestamptz[]) AS t(application_id, operation_key, started_at)
    JOIN applications a ON a.id = t.application_id
    LEFT JOIN LATERAL (
      SELECT p.id, p.release_id, r.first_seen_at, p.phase, p.last_health, p.rolled_back_by_id, p.rollout_aborted_at FROM deployments p
      JOIN releases r ON r.id = p.release_id
      WHERE p.application_id = a.id AND p.started_at < t.started_at
      ORDER BY p.started_at DESC LIMIT 1
    ) prev ON true
    LEFT JOIN deployments d ON d.application_id = a.id AND d.operation_key = t.operation_key
    ORDER BY a.id
    FOR UPDATE OF a`;
  return new Map(rows.map((row) => [row.application_id, row]));
}

export type DeploymentRowRaw = {
  d_id: number | null;
  d_phase: DeploymentFacts["phase"];
  d_finished_at: Date | null;
  d_revision: string | null;
  d_revisions: string[] | null;
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
  d_rollout_aborted_at: Date | null;
  p_id: number | null;
  p_release_id: number | null;
  p_first_seen_at: Date | null;
  p_phase: DeploymentFacts["phase"] | null;
  p_last_health: DeploymentFacts["lastHealth"];
  p_rolled_back_by_id: number | null;
  p_rollout_aborted_at: Date | null;
  has_next: boolean;
};

/** What one snapshot writes to its operation's deployment, and to the deployment before it. */
export type DeploymentPlan = {
  ref: ApplicationRef;
  facts: DeploymentFacts;
  releaseId: number | null;
  status: DeploymentStatus;
  isRollback: boolean;
  events: PhaseEvent[];
  /** Arrived after a later deployment of the application: rollback links around it are recomputed after the write. */
  relinkNeighbours: boolean;
  /** The deployment before it, when its rollback link changes: rolled back by this one, or by none. */
  previous: {
    id: number;
    phase: DeploymentFacts["phase"];
    lastHealth: DeploymentFacts["lastHealth"];
    rolloutAbortedAt: Date | null;
    rolledBackByThis: boolean;
  } | null;
};

export async function planDeployment(
  ref: ApplicationRef,
  snapshot: ApplicationSnapshot,
  incoming: DeploymentFacts,
  row: DeploymentRowRaw,
  lookupRelease: ReleaseLookup,
): Promise<DeploymentPlan> {
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
  const relinkNeighbours = releaseChanged && row.has_next;
  // The deployment's own id is row.d_id when it exists; a new one cannot be linked already.
  const previousLinkChanges = previousIsNewer ? row.d_id === null || row.p_rolled_back_by_id !== row.d_id : row.p_rolled_back_by_id !== null;
  return {
    ref,
    facts,
    releaseId,
    status: deriveDeploymentStatus({ ...facts, rolledBackById: row.d_rolled_back_by_id, rolloutAbortedAt: row.d_rollout_aborted_at }),
    isRollback: releaseChanged && !row.has_next ? previousIsNewer : (row.d_is_rollback ?? false),
    events: phaseEvents(snapshot),
    relinkNeighbours,
    previous:
      !relinkNeighbours && releaseChanged && row.p_id !== null && previousLinkChanges
        ? { id: row.p_id, phase: row.p_phase!, lastHealth: row.p_last_health, rolloutAbortedAt: row.p_rollout_aborted_at, rolledBackByThis: previousIsNewer }
        : null,
  };
}

/**
 * Upserts the deployments and appends their phase logs in one statement; repeats add nothing.
 * At most one plan per application. Returns each application's deployment id.
 */
export async function writeDeployments(db: DbOrTx, plans: DeploymentPlan[]): Promise<Map<number, number>> {
  if (plans.length === 0) return new Map();
  const rows = plans.map(({ ref, facts, releaseId, status, isRollback }) => ({
    application_id: ref.applicationId,
    operation_key: facts.operationKey,
    started_at: facts.startedAt,
    service_id: ref.serviceId,
    team_id: ref.teamId,
    environment_id: ref.environmentId,
    cluster_id: ref.clusterId,
    release_id: releaseId,
    phase: facts.phase,
    finished_at: facts.finishedAt,
    revision: facts.revision,
    revisions: facts.revisions ?? [],
    images: facts.images,
    initiated_by: facts.initiatedBy,
    automated: facts.automated,
    argo_history_id: facts.argoHistoryId,
    message: facts.message,
    last_health: facts.lastHealth,
    last_health_at: facts.lastHealthAt,
    healthy_at: facts.healthyAt,
    degraded_at: facts.degradedAt,
    observed_at: facts.observedAt,
    status,
    is_rollback: isRollback,
  }));
  const events = plans.flatMap((plan) => plan.events.map((event) => ({ application_id: plan.ref.applicationId, ...event })));
  const written = await db.$queryRaw<{ id: number; application_id: number }[]>`
    WITH input AS (
      SELECT * FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS (
        application_id int, operation_key text, started_at timestamptz, service_id int, team_id int, environment_id int,
        cluster_id int, release_id int, phase text, finished_at timestamptz, revision text, revisions text[], images text[],
        initiated_by text, automated boolean, argo_history_id int, message text, last_health text, last_health_at timestamptz,
        healthy_at timestamptz, degraded_at timestamptz, observed_at timestamptz, status text, is_rollback boolean
      )) WITH ORDINALITY
    ), deployment AS (
      INSERT INTO deployments (application_id, operation_key, started_at, source, service_id, team_id, environment_id, cluster_id,
        release_id, phase, finished_at, revision, revisions, images, initiated_by, automated, argo_history_id, message,
        last_health, last_health_at, healthy_at, degraded_at, observed_at, status, is_rollback, updated_at)
      SELECT application_id, operation_key, started_at, 'ARGOCD', service_id, team_id, environment_id, cluster_id,
        release_id, phase::"OperationPhase", finished_at, revision, revisions, images, initiated_by, automated, argo_history_id, message,
        last_health::"HealthStatus", last_health_at, healthy_at, degraded_at, observed_at, status::"DeploymentStatus", is_rollback, now()
      FROM input ORDER BY ordinality
      ON CONFLICT (application_id, operation_key) DO UPDATE SET
        service_id = EXCLUDED.service_id, team_id = EXCLUDED.team_id, environment_id = EXCLUDED.environment_id,
        cluster_id = EXCLUDED.cluster_id, release_id = EXCLUDED.release_id, phase = EXCLUDED.phase,
        finished_at = EXCLUDED.finished_at, revision = EXCLUDED.revision, revisions = EXCLUDED.revisions, images = EXCLUDED.images,
        initiated_by = EXCLUDED.initiated_by, automated = EXCLUDED.automated, argo_history_id = EXCLUDED.argo_history_id,
        message = EXCLUDED.message, last_health = EXCLUDED.last_health, last_health_at = EXCLUDED.last_health_at,
        healthy_at = EXCLUDED.healthy_at, degraded_at = EXCLUDED.degraded_at, observed_at = EXCLUDED.observed_at,
        status = EXCLUDED.status, is_rollback = EXCLUDED.is_rollback, updated_at = now()
      RETURNING id, application_id
    ), logged AS (${phaseLogInsertByApplication(events)})
    SELECT id, application_id FROM deployment`;
  return new Map(written.map((row) => [row.application_id, row.id]));
}

/** Sets the rollback link of the deployments before those just written, where it changed. */
export async function linkPrevious(db: DbOrTx, plans: DeploymentPlan[], written: Map<number, number>): Promise<void> {
  const links = plans.flatMap(({ ref, previous }) => {
    if (!previous) return [];
    const rolledBackById = previous.rolledBackByThis ? written.get(ref.applicationId)! : null;
    return [{ id: previous.id, rolled_back_by_id: rolledBackById, status: deriveDeploymentStatus({ ...previous, rolledBackById }) }];
  });
  if (links.length === 0) return;
  await db.$executeRaw`
    UPDATE deployments SET rolled_back_by_id = u.rolled_back_by_id, status = u.status::"DeploymentStatus", updated_at = now()
    FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(links)}::jsonb) AS (id int, rolled_back_by_id int, status text)) AS u
    WHERE deployments.id = u.id`;
}

/** The phase log entries one snapshot states. */
function phaseEvents(snapshot: ApplicationSnapshot): PhaseEvent[] {
  const operation = snapshot.operation!;
  const events: PhaseEvent[] = [
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
    {
      id: number;
      release_id: number | null;
      first_seen_at: Date | null;
      phase: string;
      last_health: string | null;
      rolled_back_by_id: number | null;
      is_rollback: boolean;
      rollout_aborted_at: Date | null;
    }[]
  >`
    (SELECT d.id, d.release_id, r.first_seen_at, d.phase::text, d.last_health::text, d.rolled_back_by_id, d.is_rollback, d.rollout_aborted_at, d.started_at
       FROM deployments d LEFT JOIN releases r ON r.id = d.release_id
      WHERE d.application_id = ${applicationId} AND d.started_at < ${around} AND d.release_id IS NOT NULL
      ORDER BY d.started_at DESC LIMIT 1)
    UNION ALL
    (SELECT d.id, d.release_id, r.first_seen_at, d.phase::text, d.last_health::text, d.rolled_back_by_id, d.is_rollback, d.rollout_aborted_at, d.started_at
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
        rolloutAbortedAt: previous.rollout_aborted_at,
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

/** The state an applied snapshot gives its application, with the release it runs. */
export type ApplicationStatePlan = { applicationId: number; state: ApplicationState; releaseId: number | null };

export async function planApplicationState(
  ref: ApplicationRef,
  state: ApplicationState,
  snapshot: ApplicationSnapshot,
  release: ReleaseLookup,
): Promise<ApplicationStatePlan> {
  const releaseId = state.images.length
    ? ((await release(state.images, state.syncedRevision, snapshot.operation?.startedAt ?? snapshot.observedAt))?.id ?? null)
    : null;
  return { applicationId: ref.applicationId, state, releaseId };
}

/** Writes the applications' new states (at most one per application) in one statement. */
export async function writeApplicationStates(db: DbOrTx, plans: ApplicationStatePlan[]): Promise<void> {
  if (plans.length === 0) return;
  const rows = plans.map(({ applicationId, state, releaseId }) => ({
    application_id: applicationId,
    sync_status: state.syncStatus,
    health_status: state.healthStatus,
    synced_revision: state.syncedRevision,
    images: state.images,
    auto_sync: state.autoSync,
    repo_url: state.repoUrl,
    path: state.path,
    manifest_generate_paths: state.manifestGeneratePaths,
    chart: state.chart,
    target_revision: state.targetRevision,
    sources: state.sources,
    destination_namespace: state.destinationNamespace,
    project: state.project,
    last_operation_phase: state.lastOperationPhase,
    last_operation_at: state.lastOperationAt,
    observed_at: state.observedAt,
    release_id: releaseId,
  }));
  await db.$executeRaw`
    UPDATE applications AS a SET
      sync_status = u.sync_status::"SyncStatus", health_status = u.health_status::"HealthStatus",
      synced_revision = u.synced_revision, images = u.images, auto_sync = u.auto_sync,
      repo_url = u.repo_url, path = u.path, manifest_generate_paths = u.manifest_generate_paths, chart = u.chart,
      target_revision = u.target_revision, sources = u.sources, destination_namespace = u.destination_namespace, project = u.project,
      last_operation_phase = u.last_operation_phase::"OperationPhase", last_operation_at = u.last_operation_at,
      observed_at = u.observed_at, deleted_at = NULL, updated_at = now(),
      current_release_id = u.release_id,
      ${derivedFromDeployments(Prisma.sql`a.id`, Prisma.sql`u.release_id`, Prisma.sql`u.observed_at`)}
    FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS (
      application_id int, sync_status text, health_status text, synced_revision text, images text[], auto_sync boolean,
      repo_url text, path text, manifest_generate_paths text, chart text, target_revision text, sources jsonb, destination_namespace text,
      project text, last_operation_phase text, last_operation_at timestamptz, observed_at timestamptz, release_id int)) AS u
    WHERE a.id = u.application_id`;
}

/** True when the snapshot's application names paths of its service's repository (a monorepo). */
export function namesServicePaths(snapshot: ApplicationSnapshot, ref: ApplicationRef, rules: ClassificationRules): boolean {
  const source = { labels: snapshot.labels, manifestGeneratePaths: snapshot.manifestGeneratePaths, repoUrl: snapshot.source.repoUrl, path: snapshot.source.path };
  return applicationPaths(source, ref.repository, rules) !== null;
}

async function refreshDerivedFromDeployments(db: DbOrTx, applicationId: number): Promise<void> {
  await db.$executeRaw`
    UPDATE applications AS a SET updated_at = now(),
      ${derivedFromDeployments(Prisma.sql`${applicationId}::int`, Prisma.sql`a.current_release_id`, Prisma.sql`a.observed_at`)}
    WHERE a.id = ${applicationId}`;
}

/**
 * SET clauses for what the application's deployments decide: the last deployment is the newest
 * operation; the current release has run since the end of the first deployment of the unbroken
 * run of its deployments that leads up to now.
 */
function derivedFromDeployments(applicationId: Prisma.Sql, releaseId: Prisma.Sql, observedAt: Prisma.Sql): Prisma.Sql {
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

export type ApplicationStateRow = {
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
  sources: unknown;
  destination_namespace: string | null;
  project: string;
  last_operation_phase: ApplicationState["lastOperationPhase"];
  last_operation_at: Date | null;
  observed_at: Date | null;
};

export function stateFromRow(row: ApplicationStateRow): ApplicationState {
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
    // JSON read back through its schema; a column written before multi-source support reads [].
    sources: applicationSourcesSchema.catch([]).parse(row.sources),
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
    revisions: row.d_revisions ?? [],
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
