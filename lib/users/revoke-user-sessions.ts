// An admin signs a person out everywhere: their server-side sessions are deleted (the next
// request with any of their cookies gets 401 or the sign-in page) with a `sessions.revoked`
// audit event in the same transaction.
import type { AuditContext } from "../audit/audit-context";
import { recordAuditEvent } from "../audit/record-audit-event";
import { type Db, getDb } from "../db/client";
import { AppError } from "../http/app-error";

export async function revokeUserSessions(userId: string, audit: AuditContext, db: Db = getDb()): Promise<{ revoked: number }> {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
    if (!user) throw new AppError("not_found", `No user has id ${userId}.`);
    const { count } = await tx.session.deleteMany({ where: { userId } });
    await recordAuditEvent(tx, {
      actor: audit.actor,
      action: "sessions.revoked",
      targetType: "user",
      targetId: userId,
      reason: audit.reason,
      requestId: audit.requestId,
      outcome: "success",
      detail: { email: user.email, sessions: count },
    });
    return { revoked: count };
  });
}
