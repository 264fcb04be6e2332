// An operator sets a new password for a person's local account (`npm run admin -- reset-password`):
// the account's credential gets the new hash (Better Auth's own scrypt hashing, so sign-in reads it
// as any other), every session of the person ends (whoever knew the old password is signed out),
// the per-account sign-in backoff is cleared, and a `password.reset` audit event is written in the
// same transaction. A person without a local account (single sign-on only) gets one.
import { hashPassword } from "better-auth/crypto";
import type { AuditContext } from "../audit/audit-context";
import { recordAuditEvent } from "../audit/record-audit-event";
import { backoffKey } from "../auth/claim-sign-in-attempt";
import { type Db, getDb } from "../db/client";
import { AppError } from "../http/app-error";
import { newPasswordSchema } from "./new-password";

export type PasswordReset = { userId: string; email: string; sessionsEnded: number; accountCreated: boolean };

export async function resetPassword(email: string, password: string, audit: AuditContext, { db = getDb() }: { db?: Db } = {}): Promise<PasswordReset> {
  const parsed = newPasswordSchema.safeParse(password);
  if (!parsed.success) throw new AppError("bad_request", `The new password ${parsed.error.issues[0]?.message ?? "is not valid"}.`);
  const key = backoffKey(email);
  // Hashing is deliberately slow (scrypt): done before the transaction, not while holding it.
  const hash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findFirst({ where: { email: { equals: key, mode: "insensitive" } }, select: { id: true, email: true } });
    if (!user) throw new AppError("not_found", `No user has the email ${JSON.stringify(email.trim())}; the people who can sign in are listed at /settings/users.`);
    const credential = await tx.account.findFirst({ where: { userId: user.id, providerId: "credential" }, select: { id: true } });
    if (credential) {
      await tx.account.update({ where: { id: credential.id }, data: { password: hash } });
    } else {
      await tx.account.create({ data: { id: crypto.randomUUID(), userId: user.id, providerId: "credential", accountId: user.id, password: hash } });
    }
    const { count } = await tx.session.deleteMany({ where: { userId: user.id } });
    await tx.$executeRaw`DELETE FROM sign_in_backoffs WHERE email = ${backoffKey(user.email)}`;
    await recordAuditEvent(tx, {
      actor: audit.actor,
      action: "password.reset",
      targetType: "user",
      targetId: user.id,
      reason: audit.reason,
      requestId: audit.requestId,
      outcome: "success",
      detail: { email: user.email, sessionsEnded: count, accountCreated: !credential },
    });
    return { userId: user.id, email: user.email, sessionsEnded: count, accountCreated: !credential };
  });
}
