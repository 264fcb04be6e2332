// Writes one observation of a Rollout into argo_rollouts: the row is locked, merged with the
// observation (merge-rollout-progress.ts) and written back. Rows are keyed by the Argo CD
// instance's and application's names, which both sources know, so a Rollout reported by Argo
// Rollouts before Argo CD has reported its application still lands on the row it will join.
import type { DbOrTx } from "../db/client";
import type { HealthStatus } from "../generated/prisma/enums";
import { type RolloutProgress, type RolloutState } from "./merge-rollout-progress";
import type { AnalysisStatus, RolloutObservation, RolloutPhase } from "./parse-rollout";

export type RolloutKey = { instance: string; application: string; namespace: string; name: string };

type Row = {
  id: number;
  state: string;
  health: string | null;
  health_message: string | null;
  health_observed_at: Date | null;
  event: string | null;
  strategy: string | null;
  phase: string | null;
  message: string | null;
  revision: number | null;
  current_step: number | null;
  total_steps: number | null;
  weight: number | null;
  paused: boolean;
  aborted: boolean;
  aborted_at: Date | null;
  analysis_status: string | null;
  analysis_message: string | null;
  stable_hash: string | null;
  current_hash: string | null;
  active_selector: string | null;
  preview_selector: string | null;
  images: string[];
  observed_at: Date | null;
  observation_key: string | null;
};

/** Applies `merge` to the Rollout's stored progress (null when none is stored) and returns the result. */
export async function recordRolloutProgress(
  db: DbOrTx,
  key: RolloutKey,
  merge: (current: RolloutProgress | null) => RolloutProgress,
): Promise<RolloutProgress> {
  await db.$executeRaw`
    INSERT INTO argo_rollouts (argo_instance, application, namespace, name, state, updated_at)
    VALUES (${key.instance}, ${key.application}, ${key.namespace}, ${key.name}, 'UNKNOWN', now())
    ON CONFLICT (argo_instance, application, namespace, name) DO NOTHING`;
  const [row] = await db.$queryRaw<Row[]>`
    SELECT * FROM argo_rollouts
    WHERE argo_instance = ${key.instance} AND application = ${key.application} AND namespace = ${key.namespace} AND name = ${key.name}
    FOR UPDATE`;
  const current = row && (row.observation_key !== null || row.health_observed_at !== null) ? progressOf(row) : null;
  const next = merge(current);
  if (current !== null && JSON.stringify(next) === JSON.stringify(current)) return current;
  await db.argoRollout.update({
    where: { id: row!.id },
    data: {
      state: next.state,
      health: next.health,
      healthMessage: next.healthMessage,
      healthObservedAt: next.healthObservedAt,
      event: next.event,
      strategy: next.strategy,
      phase: next.phase,
      message: next.message,
      revision: next.revision,
      currentStep: next.currentStep,
      totalSteps: next.totalSteps,
      weight: next.weight,
      paused: next.paused,
      aborted: next.aborted,
      abortedAt: next.abortedAt,
      analysisStatus: next.analysisStatus,
      analysisMessage: next.analysisMessage,
      stableHash: next.stableHash,
      currentHash: next.currentHash,
      activeSelector: next.activeSelector,
      previewSelector: next.previewSelector,
      images: next.images,
      observedAt: next.observedAt,
      observationKey: next.observationKey,
    },
  });
  return next;
}

export function progressOf(row: Row): RolloutProgress {
  return {
    state: row.state as RolloutState,
    health: row.health as HealthStatus | null,
    healthMessage: row.health_message,
    healthObservedAt: row.health_observed_at,
    event: row.event,
    strategy: row.strategy as RolloutObservation["strategy"],
    phase: row.phase as RolloutPhase | null,
    message: row.message,
    revision: row.revision,
    currentStep: row.current_step,
    totalSteps: row.total_steps,
    weight: row.weight,
    paused: row.paused,
    aborted: row.aborted,
    abortedAt: row.aborted_at,
    analysisStatus: row.analysis_status as AnalysisStatus | null,
    analysisMessage: row.analysis_message,
    stableHash: row.stable_hash,
    currentHash: row.current_hash,
    activeSelector: row.active_selector,
    previewSelector: row.preview_selector,
    images: row.images,
    observedAt: row.observed_at,
    observationKey: row.observation_key,
  };
}
