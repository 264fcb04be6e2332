// Where a started rollback stands, from the application's state that Argo CD's events left:
// succeeded when the application runs the target release healthy after a successful sync;
// failed when a sync since the rollback started failed, the target release came up degraded,
// or nothing good happened within the time limit. Pure; advance-rollbacks.ts applies it.
import type { HealthStatus, OperationPhase, RollbackState } from "../generated/prisma/enums";

export type ProgressFacts = {
  state: RollbackState;
  toReleaseId: number;
  toVersion: string;
  applicationName: string;
  /** When execution began (the EXECUTING transition); syncs before it are not this rollback's. */
  executingSince: Date;
  stateChangedAt: Date;
  now: Date;
  timeoutMs: number;
  application: { currentReleaseId: number | null; healthStatus: HealthStatus };
  lastDeployment: { id: number; releaseId: number | null; phase: OperationPhase; startedAt: Date; message: string | null } | null;
};

export type Progress = { kind: "wait" } | { kind: "succeeded"; deploymentId: number | null } | { kind: "failed"; reason: string };

/** Argo CD's clock and Shiplog's differ a little; a sync started just before the call is still ours. */
const CLOCK_SKEW_MS = 60_000;

export function decideRollbackProgress(facts: ProgressFacts): Progress {
  const minutes = Math.round(facts.timeoutMs / 60_000);
  const timedOut = facts.now.getTime() - facts.stateChangedAt.getTime() > facts.timeoutMs;
  if (facts.state === "EXECUTING") {
    return timedOut ? { kind: "failed", reason: `The rollback of ${facts.applicationName} did not finish starting within ${minutes} minutes (was Shiplog restarted?).` } : { kind: "wait" };
  }
  if (facts.state !== "WAITING_FOR_SYNC") return { kind: "wait" };
  const sync = facts.lastDeployment;
  const ours = sync !== null && sync.startedAt.getTime() >= facts.executingSince.getTime() - CLOCK_SKEW_MS;
  if (ours && (sync.phase === "FAILED" || sync.phase === "ERROR")) {
    return { kind: "failed", reason: `Argo CD's sync of ${facts.applicationName} failed${sync.message ? `: ${sync.message}` : "."}` };
  }
  const atTarget = facts.application.currentReleaseId === facts.toReleaseId;
  if (atTarget && ours && sync.phase === "SUCCEEDED") {
    if (facts.application.healthStatus === "HEALTHY") return { kind: "succeeded", deploymentId: sync.id };
    if (facts.application.healthStatus === "DEGRADED") {
      return { kind: "failed", reason: `${facts.applicationName} runs ${facts.toVersion} again but is degraded.` };
    }
  }
  if (timedOut) {
    return { kind: "failed", reason: `${facts.applicationName} did not run ${facts.toVersion} healthy within ${minutes} minutes of the rollback.` };
  }
  return { kind: "wait" };
}
