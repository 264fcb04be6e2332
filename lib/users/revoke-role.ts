// An admin revokes one of a person's manual grants: the row goes and its `role.revoked` audit
// event is written in one transaction. Refused (409): grants from the identity provider (they
// come back at the next sign-in; change the group instead) and the last fleet-wide admin grant
// of Shiplog (nobody could administer it any more).
import type { AuditContext } from "../audit/audit-context";
import { recordAuditEvent } from "../audit/record-audit-event";
import { forgetGrants } from "../auth/read-grants";
import { type Db, getDb } from "../db/client";
import { AppError } from "../http/app-error";
import { lockGrants } from "./lock-grants";

export async function revokeRole(userId: string, grantId: number, audit: AuditContext, db: Db = getDb()): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockGrants(tx);
    const grant = await tx.roleGrant.findFirst({
      where: { id: grantId, userId },
      select: { id: true, role: true, teamId: true, source: true, group: true, user: { select: { email: true } }, team: { select: { name: true } } },
    });
    if (!grant) throw new AppError("not_found", `User ${userId} has no grant with id ${grantId}.`);
    if (grant.source !== "manual") {
      throw new AppError("conflict", `This ${grant.role} grant comes from the identity provider group "${grant.group ?? "?"}"; remove ${grant.user.email} from that group instead.`);
    }
    if (grant.role === "admin" && grant.teamId === null) {
      const otherAdmins = await tx.roleGrant.findMany({
        where: { role: "admin", teamId: null, id: { not: grant.id }, userId: { not: userId } },
        select: { id: true },
        take: 1,
      });
      const ownOther = await tx.roleGrant.count({ where: { role: "admin", teamId: null, userId, id: { not: grant.id } } });
      if (otherAdmins.length === 0 && ownOther === 0) {
        throw new AppError("conflict", `${grant.user.email} is the last fleet-wide admin; grant admin to someone else first.`);
      }
    }
    await tx.roleGrant.delete({ where: { id: grant.id } });
    await recordAuditEvent(tx, {
      actor: audit.actor,
      action: "role.revoked",
      targetType: "user",
      targetId: userId,
      reason: audit.reason,
      requestId: audit.requestId,
      outcome: "success",
      detail: { email: grant.user.email, grantId: grant.id, role: grant.role, teamId: grant.teamId, team: grant.team?.name ?? null },
    });
  });
  forgetGrants(userId);
}
