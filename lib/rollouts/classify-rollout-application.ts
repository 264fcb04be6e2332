// Where one application stands in the rollout of one release: the decision behind every count
// of the rollout views and the timeline's rollout rows. Pure, so the SQL only groups and counts
// the facts (does it run the release now, its health, its newest deployment of the release).
import type { DeploymentStatus, HealthStatus } from "../generated/prisma/enums";

export const rolloutStates = ["healthy", "degraded", "progressing", "failed", "movedOn", "notYetReached"] as const;
export type RolloutState = (typeof rolloutStates)[number];

export type RolloutApplicationFacts = {
  /** It runs the release (or image) now. */
  onRelease: boolean;
  health: HealthStatus;
  /** Status of its newest deployment of the release; null when it never had one. */
  lastStatus: DeploymentStatus | null;
};

/**
 * Running it: healthy, degraded (Degraded or Missing), or progressing (Progressing, Suspended as
 * a paused canary, Unknown). Not running it: progressing while its sync to the release runs,
 * failed when that sync failed, moved on when it ran it and now runs another release (a
 * rollback, or a newer release), not yet reached when it never had it.
 */
export function classifyRolloutApplication(facts: RolloutApplicationFacts): RolloutState {
  if (facts.onRelease) {
    if (facts.health === "HEALTHY") return "healthy";
    if (facts.health === "DEGRADED" || facts.health === "MISSING") return "degraded";
    return "progressing";
  }
  if (facts.lastStatus === null) return "notYetReached";
  if (facts.lastStatus === "RUNNING") return "progressing";
  if (facts.lastStatus === "FAILED") return "failed";
  return "movedOn";
}
