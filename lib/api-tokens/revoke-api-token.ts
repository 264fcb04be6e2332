// Revokes an API token by id: revoked_at and its `api-token.revoked` audit event in one
// transaction; the next request presenting it gets 401. A personal token's owner revokes it, a
// fleet-wide admin revokes any (a leaked token cannot wait for its owner). 404 for an unknown id,
// 403 for someone else's token (ids are sequential, so hiding them would hide nothing), 409 when
// it was already revoked.
import type { AuditContext } from "../audit/audit-context";
import { recordAuditEvent } from "../audit/record-audit-event";
import { can, type Viewer } from "../auth/roles";
import { type Db, getDb } from "../db/client";
import { AppError } from "../http/app-error";
import { type ApiTokenView, apiTokenViewSelect, toApiTokenView } from "./api-token-view";

export async function revokeApiToken(
  viewer: Pick<Viewer, "id" | "grants">,
  id: number,
  audit: AuditContext,
  { db = getDb(), now = new Date() }: { db?: Db; now?: Date } = {},
): Promise<ApiTokenView> {
  return db.$transaction(async (tx) => {
    const token = await tx.apiToken.findUnique({ where: { id }, select: { id: true, kind: true, name: true, hint: true, userId: true, revokedAt: true } });
    const own = token?.kind === "personal" && token.userId === viewer.id;
    if (!token) throw new AppError("not_found", `No API token has id ${id}.`);
    if (!own && !can(viewer, "admin")) {
      throw new AppError("forbidden", `API token ${id} is not yours; only its owner or an admin revokes it.`, {
        details: { permission: "admin", requiredRole: "admin", teamId: null },
      });
    }
    const { count } = await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
    if (count === 0) throw new AppError("conflict", `API token "${token.name}" was already revoked.`);
    await recordAuditEvent(tx, {
      actor: audit.actor,
      action: "api-token.revoked",
      targetType: "api-token",
      targetId: String(id),
      reason: audit.reason,
      requestId: audit.requestId,
      outcome: "success",
      detail: { kind: token.kind, name: token.name, hint: token.hint, owner: token.userId },
    });
    return toApiTokenView(await tx.apiToken.findUniqueOrThrow({ where: { id }, select: apiTokenViewSelect }), now);
  });
}
