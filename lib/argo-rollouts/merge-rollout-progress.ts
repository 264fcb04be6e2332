// One Rollout's progress, merged from its observations: the Rollout object from Argo Rollouts'
// notifications, and its health in Argo CD's Application. Each part takes the newer of two
// observations by a total order (its own clock, then its content), so merging is commutative,
// associative and idempotent and every delivery order converges on the same row
// (tests/lib/argo-rollouts/merge-rollout-progress.test.ts). Which part speaks for the state is
// decided at the end (deriveRolloutState), from whichever was observed last.
import type { HealthStatus } from "../generated/prisma/enums";
import type { AnalysisStatus, RolloutObservation, RolloutPhase } from "./parse-rollout";
import type { RolloutResourceHealth } from "./rollout-resources";

export const ROLLOUT_STATES = ["PROGRESSING", "PAUSED", "ABORTED", "DEGRADED", "HEALTHY", "UNKNOWN"] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

/** The rollout's own fields, as its newest observation gives them (null where none has come yet). */
type ObservedFields = Omit<RolloutObservation, "namespace" | "name" | "application" | "event" | "phase" | "observedAt">;

/** The row of argo_rollouts, less its keys. */
export type RolloutProgress = ObservedFields & {
  state: RolloutState;
  health: HealthStatus | null;
  healthMessage: string | null;
  healthObservedAt: Date | null;
  event: string | null;
  phase: RolloutPhase | null;
  observedAt: Date | null;
  observationKey: string | null;
};

export const EMPTY_PROGRESS: RolloutProgress = {
  state: "UNKNOWN",
  health: null,
  healthMessage: null,
  healthObservedAt: null,
  event: null,
  strategy: null,
  phase: null,
  message: null,
  revision: null,
  currentStep: null,
  totalSteps: null,
  weight: null,
  paused: false,
  aborted: false,
  abortedAt: null,
  analysisStatus: null,
  analysisMessage: null,
  stableHash: null,
  currentHash: null,
  activeSelector: null,
  previewSelector: null,
  images: [],
  observedAt: null,
  observationKey: null,
};

const pad = (value: number, width: number) => String(Math.max(0, value)).padStart(width, "0");

/**
 * Orders observations of one Rollout: a later revision (a newer pod template) first, then the
 * newer timestamp, then the further step (steps complete without touching status.conditions),
 * then an abort, then the content, so that equal keys mean equal observations.
 */
export function observationKeyOf(observation: RolloutObservation): string {
  const { namespace: _namespace, name: _name, application: _application, ...content } = observation;
  return [
    pad(observation.revision ?? 0, 12),
    observation.observedAt.toISOString(),
    pad((observation.currentStep ?? -1) + 1, 6),
    observation.aborted ? "1" : "0",
    JSON.stringify(content),
  ].join("|");
}

/** The progress after one Rollout object from Argo Rollouts' notifications. */
export function mergeRolloutObservation(current: RolloutProgress | null, observation: RolloutObservation): RolloutProgress {
  const base = current ?? EMPTY_PROGRESS;
  const key = observationKeyOf(observation);
  if (base.observationKey !== null && base.observationKey >= key) return base;
  return withState({
    ...base,
    event: observation.event,
    strategy: observation.strategy,
    phase: observation.phase,
    message: observation.message,
    revision: observation.revision,
    currentStep: observation.currentStep,
    totalSteps: observation.totalSteps,
    weight: observation.weight,
    paused: observation.paused,
    aborted: observation.aborted,
    abortedAt: observation.abortedAt,
    analysisStatus: observation.analysisStatus,
    analysisMessage: observation.analysisMessage,
    stableHash: observation.stableHash,
    currentHash: observation.currentHash,
    activeSelector: observation.activeSelector,
    previewSelector: observation.previewSelector,
    images: observation.images,
    observedAt: observation.observedAt,
    observationKey: key,
  });
}

/** The progress after Argo CD reported the Rollout's health at `observedAt`. */
export function mergeRolloutHealth(current: RolloutProgress | null, resource: RolloutResourceHealth, observedAt: Date): RolloutProgress {
  const base = current ?? EMPTY_PROGRESS;
  if (base.healthObservedAt !== null) {
    const delta = observedAt.getTime() - base.healthObservedAt.getTime();
    const tieLost = delta === 0 && JSON.stringify([resource.health, resource.message]) <= JSON.stringify([base.health, base.healthMessage]);
    if (delta < 0 || tieLost) return base;
  }
  return withState({ ...base, health: resource.health, healthMessage: resource.message, healthObservedAt: observedAt });
}

function withState(progress: RolloutProgress): RolloutProgress {
  return { ...progress, state: deriveRolloutState(progress) };
}

const HEALTH_STATE: Partial<Record<HealthStatus, RolloutState>> = {
  HEALTHY: "HEALTHY",
  PROGRESSING: "PROGRESSING",
  SUSPENDED: "PAUSED",
  DEGRADED: "DEGRADED",
};

const PHASE_STATE: Record<RolloutPhase, RolloutState> = { Healthy: "HEALTHY", Progressing: "PROGRESSING", Paused: "PAUSED", Degraded: "DEGRADED" };

/** What the Rollout is doing, by whichever source observed it last (Argo Rollouts' own on a tie). */
export function deriveRolloutState(progress: Omit<RolloutProgress, "state">): RolloutState {
  const fromRollout = progress.observedAt !== null && progress.phase !== null;
  const fromArgocd = progress.healthObservedAt !== null && progress.health !== null;
  if (fromRollout && (!fromArgocd || progress.observedAt!.getTime() >= progress.healthObservedAt!.getTime())) {
    if (progress.aborted) return "ABORTED";
    if (progress.paused && progress.phase !== "Degraded") return "PAUSED";
    return PHASE_STATE[progress.phase!];
  }
  if (fromArgocd) {
    if (progress.health === "DEGRADED" && progress.healthMessage !== null && /RolloutAborted|rollout (?:is )?aborted/i.test(progress.healthMessage)) return "ABORTED";
    return HEALTH_STATE[progress.health!] ?? "UNKNOWN";
  }
  return "UNKNOWN";
}

/** A rollout still shifting traffic or waiting to: what the fleet matrix marks. */
export const isRollingOut = (state: RolloutState) => state === "PROGRESSING" || state === "PAUSED";

const ANALYSIS_WORDS: Record<AnalysisStatus, string> = {
  Successful: "analysis passing",
  Pending: "analysis pending",
  Running: "analysis running",
  Inconclusive: "analysis inconclusive",
  Error: "analysis in error",
  Failed: "analysis failed",
};

/** One line for people: "step 3 of 5, 40 % of traffic, analysis passing". */
export function describeRolloutProgress(progress: RolloutProgress): string {
  const parts: string[] = [];
  if (progress.state === "ABORTED") parts.push("aborted");
  else if (progress.state === "PAUSED") parts.push("paused");
  else if (progress.state === "HEALTHY" && progress.phase !== null) parts.push("promoted to stable");
  else if (progress.state === "DEGRADED") parts.push("degraded");
  // Step and weight only while the object speaks for the state: Argo CD's health alone has neither.
  const objectCurrent = progress.observedAt !== null && (progress.healthObservedAt === null || progress.observedAt >= progress.healthObservedAt);
  if (progress.strategy === "CANARY" && progress.totalSteps !== null && progress.currentStep !== null && progress.state !== "HEALTHY") {
    if (progress.totalSteps > 0 && progress.currentStep < progress.totalSteps) parts.push(`step ${progress.currentStep + 1} of ${progress.totalSteps}`);
    else if (progress.totalSteps > 0) parts.push(`all ${progress.totalSteps} steps done`);
    if (progress.weight !== null && objectCurrent) parts.push(`${progress.weight} % of traffic`);
  }
  if (progress.strategy === "BLUE_GREEN" && progress.state !== "HEALTHY") {
    if (progress.previewSelector) parts.push(`preview ${progress.previewSelector}`);
    if (progress.activeSelector) parts.push(`active ${progress.activeSelector}`);
  }
  if (progress.analysisStatus !== null) parts.push(ANALYSIS_WORDS[progress.analysisStatus]);
  if (parts.length === 0) parts.push(progress.state === "PROGRESSING" ? "progressing" : progress.state === "HEALTHY" ? "healthy" : "state unknown");
  return parts.join(", ");
}
