// A second person approves a rollback that waits for approval (production, when
// SHIPLOG_ROLLBACK_APPROVAL=production): every rollback of its group moves to APPROVED, with
// the approver recorded and audited. The requester can never approve their own rollback.
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { AppError } from "../http/app-error";
import type { RollbackActor } from "./rollback-plan";
import { transitionRollback } from "./transition-rollback";

export async function approveRollback(db: Db, rollbackId: number, who: RollbackActor, now = new Date()): Promise<{ groupId: string | null; approvedIds: number[] }> {
  const rollback = await db.rollback.findUnique({ where: { id: rollbackId }, select: { id: true, groupId: true, requestedBy: true, approvedBy: true, state: true } });
  if (!rollback) throw new AppError("not_found", `Rollback ${rollbackId} does not exist.`);
  if (rollback.requestedBy === who.actor) {
    // A refused attempt at the four-eyes rule is itself worth a record (nothing else changes).
    await recordAuditEvent(db, {
      actor: who.actor,
      action: "rollback.approved",
      targetType: "rollback",
      targetId: String(rollback.id),
      requestId: who.requestId ?? null,
      outcome: "refused",
      reason: "the requester cannot approve their own rollback",
      detail: { groupId: rollback.groupId },
      at: now,
    });
    throw new AppError("forbidden", "You requested this rollback, so someone else must approve it.");
  }
  const group = await db.rollback.findMany({
    where: rollback.groupId ? { groupId: rollback.groupId, state: "REQUESTED" } : { id: rollback.id, state: "REQUESTED" },
    select: { id: true, state: true, applicationId: true, groupId: true },
  });
  // A double click on "approve": the first one did it.
  if (group.length === 0 && rollback.approvedBy === who.actor) return { groupId: rollback.groupId, approvedIds: [] };
  if (group.length === 0) throw new AppError("conflict", `Rollback #${rollbackId} is not waiting for approval (it is ${rollback.state.toLowerCase().replaceAll("_", " ")}).`);
  const approvedIds: number[] = [];
  await db.$transaction(async (tx) => {
    for (const member of group) {
      const moved = await transitionRollback(tx, member, "APPROVED", { actor: who.actor, requestId: who.requestId, at: now, data: { approvedBy: who.actor }, note: `approved by ${who.actor}` });
      if (moved) approvedIds.push(member.id);
    }
  });
  if (approvedIds.length === 0) throw new AppError("conflict", `Rollback #${rollbackId} was approved or cancelled meanwhile.`);
  return { groupId: rollback.groupId, approvedIds };
}
