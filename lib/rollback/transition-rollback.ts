// Moves one rollback from the state it was read in to the next, only if nobody moved it
// meanwhile (a conditional UPDATE), and records the transition and its audit event in the
// caller's transaction (lib/audit): either all three are written or none.
import type { DbOrTx } from "../db/client";
import type { RollbackState } from "../generated/prisma/enums";
import type { Prisma } from "../generated/prisma/client";
import type { AuditEventInput } from "../audit/audit-event";
import { recordAuditEvent } from "../audit/record-audit-event";
import { FINISHED_ROLLBACK_STATES } from "./rollback-states";

/** The audit action of reaching each state (issue 5: requested, approved, executed, finished). */
export const AUDIT_ACTION_BY_STATE: Record<RollbackState, string> = {
  REQUESTED: "rollback.requested",
  APPROVED: "rollback.approved",
  EXECUTING: "rollback.started",
  WAITING_FOR_SYNC: "rollback.executed",
  SUCCEEDED: "rollback.finished",
  FAILED: "rollback.finished",
  CANCELLED: "rollback.cancelled",
};

export type TransitionOptions = {
  actor: string;
  requestId?: string | null;
  /** Shown in the rollback's history and the audit event's detail. */
  note?: string | null;
  /** The audit event's reason (the rollback's reason on request; a cancellation's reason). */
  reason?: string | null;
  data?: Prisma.RollbackUpdateManyMutationInput;
  at: Date;
};

export type RollbackRef = { id: number; state: RollbackState; applicationId: number; groupId: string | null };

export async function transitionRollback(tx: DbOrTx, rollback: RollbackRef, to: RollbackState, options: TransitionOptions): Promise<boolean> {
  const finished = (FINISHED_ROLLBACK_STATES as readonly RollbackState[]).includes(to);
  const moved = await tx.rollback.updateMany({
    where: { id: rollback.id, state: rollback.state },
    data: { ...options.data, state: to, stateChangedAt: options.at, ...(finished ? { finishedAt: options.at } : {}) },
  });
  if (moved.count === 0) return false;
  await tx.rollbackTransition.create({
    data: { rollbackId: rollback.id, fromState: rollback.state, toState: to, actor: options.actor, note: options.note ?? null, at: options.at },
  });
  await recordAuditEvent(tx, auditEventOf(rollback, rollback.state, to, options));
  return true;
}

export function auditEventOf(rollback: Omit<RollbackRef, "state">, from: RollbackState | null, to: RollbackState, options: TransitionOptions): AuditEventInput {
  return {
    at: options.at,
    actor: options.actor,
    action: AUDIT_ACTION_BY_STATE[to],
    targetType: "rollback",
    targetId: String(rollback.id),
    reason: options.reason ?? null,
    requestId: options.requestId ?? null,
    outcome: to === "FAILED" ? "failure" : to === "CANCELLED" ? "cancelled" : "success",
    detail: { applicationId: rollback.applicationId, groupId: rollback.groupId, fromState: from, toState: to, ...(options.note ? { note: options.note } : {}) },
  };
}
