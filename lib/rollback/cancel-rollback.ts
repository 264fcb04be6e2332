// Withdraws a rollback that has not started executing (waiting for approval, or approved and
// waiting for its wave): every such rollback of its group is cancelled, with the reason audited.
import type { Db } from "../db/client";
import { AppError } from "../http/app-error";
import type { RollbackActor } from "./rollback-plan";
import { transitionRollback } from "./transition-rollback";

export async function cancelRollback(db: Db, rollbackId: number, who: RollbackActor & { reason: string }, now = new Date()): Promise<{ cancelledIds: number[] }> {
  const reason = who.reason.trim();
  if (!reason) throw new AppError("bad_request", "A reason is required to cancel a rollback.");
  const rollback = await db.rollback.findUnique({ where: { id: rollbackId }, select: { id: true, groupId: true, state: true } });
  if (!rollback) throw new AppError("not_found", `Rollback ${rollbackId} does not exist.`);
  const pending = await db.rollback.findMany({
    where: { ...(rollback.groupId ? { groupId: rollback.groupId } : { id: rollback.id }), state: { in: ["REQUESTED", "APPROVED"] } },
    select: { id: true, state: true, applicationId: true, groupId: true },
  });
  if (pending.length === 0) throw new AppError("conflict", `Rollback #${rollbackId} can no longer be cancelled (it is ${rollback.state.toLowerCase().replaceAll("_", " ")}).`);
  const cancelledIds: number[] = [];
  await db.$transaction(async (tx) => {
    for (const member of pending) {
      if (await transitionRollback(tx, member, "CANCELLED", { actor: who.actor, requestId: who.requestId, reason, note: reason, at: now })) cancelledIds.push(member.id);
    }
  });
  return { cancelledIds };
}
