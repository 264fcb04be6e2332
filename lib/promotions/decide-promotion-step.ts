// What a running wave does next, from the state Argo CD's events left on its applications:
// keep waiting; start (or keep) the soak clock once every application runs the release Synced
// and Healthy; move to the next wave once they stayed so for the soak time; or stop the
// promotion when one turns Degraded, its sync fails, or the wave overruns its time limit (and
// say whether that wave is rolled back). Pure: advance-promotions.ts applies it.
import type { HealthStatus, OperationPhase, SyncStatus } from "../generated/prisma/enums";

export type StepApplication = {
  id: number;
  name: string;
  /** PENDING: not changed yet; EXECUTING: its pull request or sync is being made; WAITING: made, waiting for Argo CD; SUCCEEDED: reached the release healthy. */
  state: "PENDING" | "EXECUTING" | "WAITING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
  /** When its change was made; syncs before it are not this promotion's. */
  changedAt: Date | null;
  currentReleaseId: number | null;
  health: HealthStatus;
  sync: SyncStatus;
  lastOperation: { phase: OperationPhase; startedAt: Date; message: string | null } | null;
};

export type WaveFacts = {
  targetReleaseId: number;
  targetVersion: string;
  applications: StepApplication[];
  /** When the wave started. */
  startedAt: Date;
  /** Since when every application has been Synced and Healthy on the release (null: not all are). */
  healthySince: Date | null;
  soakMs: number;
  timeoutMs: number;
  autoRollback: boolean;
  now: Date;
};

export type WaveStep =
  | { kind: "wait"; healthySince: Date | null; reached: number[] }
  | { kind: "next-wave"; reached: number[] }
  | { kind: "stop"; reason: string; failed: number[]; reached: number[]; rollBack: boolean };

/** Argo CD's clock and Shiplog's differ a little; a sync started just before the change is still ours. */
const CLOCK_SKEW_MS = 60_000;

export function isRunningHealthy(app: Pick<StepApplication, "currentReleaseId" | "health" | "sync">, releaseId: number): boolean {
  return app.currentReleaseId === releaseId && app.sync === "SYNCED" && app.health === "HEALTHY";
}

/** Why this application failed the wave, or null when it has not. */
export function applicationFailure(app: StepApplication, facts: Pick<WaveFacts, "targetReleaseId" | "targetVersion">): string | null {
  if (app.state === "FAILED") return `${app.name}: its change could not be made.`;
  if (app.state !== "WAITING" && app.state !== "SUCCEEDED") return null;
  const operation = app.lastOperation;
  const ours = operation !== null && app.changedAt !== null && operation.startedAt.getTime() >= app.changedAt.getTime() - CLOCK_SKEW_MS;
  if (ours && (operation.phase === "FAILED" || operation.phase === "ERROR")) {
    return `Argo CD's sync of ${app.name} failed${operation.message ? `: ${operation.message}` : "."}`;
  }
  if (app.currentReleaseId === facts.targetReleaseId && app.health === "DEGRADED") return `${app.name} runs ${facts.targetVersion} but is Degraded.`;
  return null;
}

export function decidePromotionStep(facts: WaveFacts): WaveStep {
  const reached = facts.applications
    .filter((app) => app.state === "WAITING" && isRunningHealthy(app, facts.targetReleaseId))
    .map((app) => app.id);
  const failures = facts.applications.map((app) => ({ id: app.id, reason: applicationFailure(app, facts) })).filter((entry) => entry.reason !== null);
  if (failures.length > 0) {
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : "";
    return { kind: "stop", reason: `${failures[0]!.reason}${more}`, failed: failures.map((entry) => entry.id), reached, rollBack: facts.autoRollback };
  }
  const allHealthy = facts.applications.every((app) => (app.state === "WAITING" || app.state === "SUCCEEDED") && isRunningHealthy(app, facts.targetReleaseId));
  if (allHealthy) {
    const since = facts.healthySince ?? facts.now;
    if (facts.now.getTime() - since.getTime() >= facts.soakMs) return { kind: "next-wave", reached };
    return { kind: "wait", healthySince: since, reached };
  }
  if (facts.now.getTime() - facts.startedAt.getTime() > facts.timeoutMs) {
    const behind = facts.applications.filter((app) => !isRunningHealthy(app, facts.targetReleaseId));
    const names = behind.slice(0, 3).map((app) => app.name).join(", ") + (behind.length > 3 ? ` and ${behind.length - 3} more` : "");
    return {
      kind: "stop",
      reason: `${names} did not run ${facts.targetVersion} Synced and Healthy within ${Math.round(facts.timeoutMs / 60_000)} minutes of the wave's start.`,
      failed: behind.map((app) => app.id),
      reached,
      rollBack: facts.autoRollback,
    };
  }
  // Not all there yet (or one went back to Progressing): the soak clock starts again.
  return { kind: "wait", healthySince: null, reached };
}
