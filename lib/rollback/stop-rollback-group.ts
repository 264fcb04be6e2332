// Stops a group at its first failure: every rollback of it that has not started (waiting for
// approval or for its wave) is cancelled, with the failure as the reason.
import { SYSTEM_ACTOR } from "./rollback-states";
import type { DbOrTx } from "../db/client";
import { transitionRollback } from "./transition-rollback";

export async function stopRollbackGroup(db: DbOrTx, groupId: string, reason: string, now: Date): Promise<number[]> {
  const pending = await db.rollback.findMany({
    where: { groupId, state: { in: ["REQUESTED", "APPROVED"] } },
    select: { id: true, state: true, applicationId: true, groupId: true },
  });
  const cancelled: number[] = [];
  for (const rollback of pending) {
    if (await transitionRollback(db, rollback, "CANCELLED", { actor: SYSTEM_ACTOR, reason, note: reason, at: now })) cancelled.push(rollback.id);
  }
  return cancelled;
}
