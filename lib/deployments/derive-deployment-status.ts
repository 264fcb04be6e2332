// The outcome shown for a deployment, derived from its facts (never stored independently).
import type { DeploymentStatus, HealthStatus, OperationPhase } from "../generated/prisma/enums";

export function deriveDeploymentStatus(facts: {
  phase: OperationPhase;
  lastHealth: HealthStatus | null;
  rolledBackById: number | null;
}): DeploymentStatus {
  if (facts.phase === "FAILED" || facts.phase === "ERROR") return "FAILED";
  if (facts.rolledBackById !== null) return "ROLLED_BACK";
  if (facts.phase === "RUNNING" || facts.phase === "TERMINATING") return "RUNNING";
  if (facts.lastHealth === "DEGRADED" || facts.lastHealth === "MISSING") return "DEGRADED";
  return "SUCCEEDED";
}
