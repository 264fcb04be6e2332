// An admin grants a person a role, fleet-wide or for one team: a manual grant and its
// `role.granted` audit event in one transaction. The person's cached grants in this process
// are dropped; other processes pick the change up within GRANT_CACHE_MS.
import type { AuditContext } from "../audit/audit-context";
import { recordAuditEvent } from "../audit/record-audit-event";
import { forgetGrants } from "../auth/read-grants";
import type { Role } from "../auth/roles";
import { type Db, getDb } from "../db/client";
import { AppError } from "../http/app-error";
import { lockGrants } from "./lock-grants";

export async function grantRole(userId: string, grant: { role: Role; teamId: number | null }, audit: AuditContext, db: Db = getDb()): Promise<{ id: number }> {
  const created = await db.$transaction(async (tx) => {
    await lockGrants(tx);
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
    if (!user) throw new AppError("not_found", `No user has id ${userId}.`);
    const team = grant.teamId === null ? null : await tx.team.findUnique({ where: { id: grant.teamId }, select: { name: true } });
    if (grant.teamId !== null && !team) throw new AppError("bad_request", `teamId: no team has id ${grant.teamId}`);
    const same = await tx.roleGrant.findFirst({ where: { userId, role: grant.role, teamId: grant.teamId, source: "manual" }, select: { id: true } });
    if (same) throw new AppError("conflict", `${user.email} already holds ${grant.role} ${team ? `for ${team.name}` : "fleet-wide"}.`);
    const row = await tx.roleGrant.create({ data: { userId, role: grant.role, teamId: grant.teamId, source: "manual" }, select: { id: true } });
    await recordAuditEvent(tx, {
      actor: audit.actor,
      action: "role.granted",
      targetType: "user",
      targetId: userId,
      reason: audit.reason,
      requestId: audit.requestId,
      outcome: "success",
      detail: { email: user.email, grantId: row.id, role: grant.role, teamId: grant.teamId, team: team?.name ?? null },
    });
    return row;
  });
  forgetGrants(userId);
  return created;
}
