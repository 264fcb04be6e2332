// One deployment is one Argo CD sync operation, reported many times: running, succeeded,
// healthy, degraded, duplicated after controller restarts, late and out of order. Merging an
// observation into the facts is commutative, associative and idempotent, so every delivery
// order converges on the same row (tests/lib/deployments/merge-deployment-observation.test.ts).
import type { ApplicationSnapshot } from "../argocd/application-snapshot";
import type { HealthStatus, OperationPhase } from "../generated/prisma/enums";

export type DeploymentFacts = {
  operationKey: string;
  startedAt: Date;
  phase: OperationPhase;
  finishedAt: Date | null;
  revision: string | null;
  /** A multi-source application's revision of each source; absent (or []) for one source. */
  revisions?: string[];
  images: string[];
  initiatedBy: string | null;
  automated: boolean;
  argoHistoryId: number | null;
  message: string | null;
  lastHealth: HealthStatus | null;
  lastHealthAt: Date | null;
  healthyAt: Date | null;
  degradedAt: Date | null;
  observedAt: Date;
};

const PHASE_RANK: Record<OperationPhase, number> = {
  RUNNING: 0,
  TERMINATING: 1,
  SUCCEEDED: 2,
  FAILED: 3,
  ERROR: 4,
};

export const isTerminalPhase = (phase: OperationPhase) => PHASE_RANK[phase] >= PHASE_RANK.SUCCEEDED;

/** Stable key of a sync operation: its start time. */
export function operationKeyOf(startedAt: Date): string {
  return startedAt.toISOString();
}

/** The facts one snapshot states about its operation; undefined when it carries no operation. */
export function deploymentFactsOf(snapshot: ApplicationSnapshot): DeploymentFacts | undefined {
  const operation = snapshot.operation;
  if (!operation) return undefined;
  const succeeded = operation.phase === "SUCCEEDED";
  const health = snapshot.health.status;
  const history = snapshot.latestHistory;
  const historyMatches =
    history !== undefined &&
    (history.deployStartedAt?.getTime() === operation.startedAt.getTime() ||
      (succeeded && history.revision !== undefined && history.revision === operation.revision));
  return {
    operationKey: operationKeyOf(operation.startedAt),
    startedAt: operation.startedAt,
    phase: operation.phase,
    finishedAt: operation.finishedAt ?? null,
    revision: operation.revision ?? snapshot.sync.revision ?? null,
    ...(operation.revisions?.length ? { revisions: operation.revisions } : {}),
    images: [...snapshot.images].sort(),
    initiatedBy: operation.initiatedBy ?? null,
    automated: operation.automated,
    argoHistoryId: historyMatches ? history.id : null,
    message: operation.message ?? null,
    lastHealth: health,
    lastHealthAt: snapshot.observedAt,
    healthyAt: succeeded && health === "HEALTHY" ? snapshot.observedAt : null,
    degradedAt: health === "DEGRADED" && isTerminalPhase(operation.phase) ? snapshot.observedAt : null,
    observedAt: snapshot.observedAt,
  };
}

const minDate = (a: Date | null, b: Date | null) => (a && b ? (a <= b ? a : b) : (a ?? b));
const maxNumber = (a: number | null, b: number | null) => (a !== null && b !== null ? Math.max(a, b) : (a ?? b));

/** A total order on observations: newer first, then a content tie-break, so ties are deterministic. */
function laterWins(current: DeploymentFacts, incoming: DeploymentFacts): boolean {
  const delta = incoming.observedAt.getTime() - current.observedAt.getTime();
  if (delta !== 0) return delta > 0;
  return latestFields(incoming) > latestFields(current);
}

function latestFields(facts: DeploymentFacts): string {
  return JSON.stringify([facts.images, facts.lastHealth, facts.revision, facts.message, facts.initiatedBy, facts.revisions ?? []]);
}

export function mergeDeploymentFacts(current: DeploymentFacts | null, incoming: DeploymentFacts): DeploymentFacts {
  if (!current) return incoming;
  const newer = laterWins(current, incoming) ? incoming : current;
  // A terminal phase outranks a running one; conflicting terminal reports resolve to the worst.
  const phase = PHASE_RANK[incoming.phase] > PHASE_RANK[current.phase] ? incoming.phase : current.phase;
  return {
    operationKey: current.operationKey,
    startedAt: current.startedAt,
    phase,
    finishedAt: minDate(current.finishedAt, incoming.finishedAt),
    // Later-wins fields take the newer observation whole (null included): per-field fallbacks
    // would make the result depend on arrival order.
    revision: newer.revision,
    ...(newer.revisions?.length ? { revisions: newer.revisions } : {}),
    images: newer.images,
    initiatedBy: newer.initiatedBy,
    automated: current.automated || incoming.automated,
    argoHistoryId: maxNumber(current.argoHistoryId, incoming.argoHistoryId),
    message: newer.message,
    lastHealth: newer.lastHealth,
    lastHealthAt: newer.lastHealthAt,
    healthyAt: minDate(current.healthyAt, incoming.healthyAt),
    degradedAt: minDate(current.degradedAt, incoming.degradedAt),
    observedAt: newer.observedAt,
  };
}
