// Which rollback states hold an application: the database allows one such rollback per
// application (partial unique index rollbacks_one_active_per_application lists the same states).
import type { RollbackState } from "../generated/prisma/enums";

export const ACTIVE_ROLLBACK_STATES = ["REQUESTED", "APPROVED", "EXECUTING", "WAITING_FOR_SYNC"] as const satisfies readonly RollbackState[];
export const FINISHED_ROLLBACK_STATES = ["SUCCEEDED", "FAILED", "CANCELLED"] as const satisfies readonly RollbackState[];

export function isActiveRollbackState(state: RollbackState): boolean {
  return (ACTIVE_ROLLBACK_STATES as readonly RollbackState[]).includes(state);
}

/** The actor of what Shiplog does by itself (tracking, time limits, next waves), as lib/audit names it. */
export const SYSTEM_ACTOR = "system:rollbacks";
