// An application's current state is the newest observation of it. Observations that arrive
// late never overwrite newer ones; equal times resolve by content, so any order converges.
import type { ApplicationSnapshot } from "../argocd/application-snapshot";
import type { ApplicationSource } from "../argocd/application-sources";
import type { HealthStatus, OperationPhase, SyncStatus } from "../generated/prisma/enums";

export type ApplicationState = {
  syncStatus: SyncStatus;
  healthStatus: HealthStatus;
  syncedRevision: string | null;
  images: string[];
  autoSync: boolean;
  repoUrl: string | null;
  path: string | null;
  manifestGeneratePaths: string | null;
  chart: string | null;
  targetRevision: string | null;
  /** Every source of a multi-source application, with its synced revision; [] for one source. */
  sources: ApplicationSource[];
  destinationNamespace: string | null;
  project: string;
  lastOperationPhase: OperationPhase | null;
  lastOperationAt: Date | null;
  observedAt: Date;
};

export function applicationStateOf(snapshot: ApplicationSnapshot): ApplicationState {
  return {
    syncStatus: snapshot.sync.status,
    healthStatus: snapshot.health.status,
    syncedRevision: snapshot.sync.revision ?? null,
    images: [...snapshot.images].sort(),
    autoSync: snapshot.autoSync,
    repoUrl: snapshot.source.repoUrl ?? null,
    path: snapshot.source.path ?? null,
    manifestGeneratePaths: snapshot.manifestGeneratePaths ?? null,
    chart: snapshot.source.chart ?? null,
    targetRevision: snapshot.source.targetRevision ?? null,
    sources: snapshot.sources ?? [],
    destinationNamespace: snapshot.destination.namespace ?? null,
    project: snapshot.project,
    lastOperationPhase: snapshot.operation?.phase ?? null,
    lastOperationAt: snapshot.operation ? (snapshot.operation.finishedAt ?? snapshot.operation.startedAt) : null,
    observedAt: snapshot.observedAt,
  };
}

// Every field but the time: same-time observations that differ anywhere must still order.
function contentKey(state: ApplicationState): string {
  return JSON.stringify([
    state.healthStatus, state.syncStatus, state.syncedRevision, state.images, state.lastOperationPhase, state.lastOperationAt,
    state.autoSync, state.repoUrl, state.path, state.manifestGeneratePaths, state.chart, state.targetRevision, state.destinationNamespace, state.project,
    state.sources,
  ]);
}

/** True when `incoming` should replace `current` as the application's state. */
export function supersedes(current: ApplicationState | null, incoming: ApplicationState): boolean {
  if (!current) return true;
  const delta = incoming.observedAt.getTime() - current.observedAt.getTime();
  if (delta !== 0) return delta > 0;
  return contentKey(incoming) > contentKey(current);
}
