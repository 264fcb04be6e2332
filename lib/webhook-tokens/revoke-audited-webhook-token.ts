// An admin revokes a webhook token by id: revoked_at and its `token.revoked` audit event in one
// transaction. 404 for an unknown id; 409 when it was already revoked (nothing changes).
import type { AuditContext } from "../audit/audit-context";
import { recordAuditEvent } from "../audit/record-audit-event";
import { type Db, getDb } from "../db/client";
import { AppError } from "../http/app-error";
import type { WebhookTokenView } from "./webhook-token-view";

export async function revokeAuditedWebhookToken(id: number, audit: AuditContext, db: Db = getDb()): Promise<WebhookTokenView> {
  return db.$transaction(async (tx) => {
    const token = await tx.webhookToken.findUnique({ where: { id }, select: { id: true, source: true, name: true, revokedAt: true } });
    if (!token) throw new AppError("not_found", `No webhook token has id ${id}.`);
    const { count } = await tx.webhookToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) throw new AppError("conflict", `Webhook token "${token.name}" was already revoked.`);
    await recordAuditEvent(tx, {
      actor: audit.actor,
      action: "token.revoked",
      targetType: "webhook-token",
      targetId: String(id),
      reason: audit.reason,
      requestId: audit.requestId,
      outcome: "success",
      detail: { source: token.source, name: token.name },
    });
    const row = await tx.webhookToken.findUniqueOrThrow({ where: { id }, select: { id: true, source: true, name: true, createdAt: true, revokedAt: true } });
    return { ...row, source: row.source as "ARGOCD" | "BUILD" | "DEPLOYER" | "GITLAB" | "FLUX" };
  });
}
