// The outcome shown for a deployment, derived from its facts (never stored independently).
import type { DeploymentStatus, HealthStatus, OperationPhase } from "../generated/prisma/enums";

export function deriveDeploymentStatus(facts: {
  phase: OperationPhase;
  lastHealth: HealthStatus | null;
  rolledBackById: number | null;
  /** An Argo Rollouts Rollout aborted the update this deployment applied (lib/argo-rollouts). */
  rolloutAbortedAt?: Date | null;
}): DeploymentStatus {
  if (facts.phase === "FAILED" || facts.phase === "ERROR") return "FAILED";
  if (facts.rolloutAbortedAt) return "FAILED";
  if (facts.rolledBackById !== null) return "ROLLED_BACK";
  if (facts.phase === "RUNNING" || facts.phase === "TERMINATING") return "RUNNING";
  if (facts.lastHealth === "DEGRADED" || facts.lastHealth === "MISSING") return "DEGRADED";
  return "SUCCEEDED";
}
