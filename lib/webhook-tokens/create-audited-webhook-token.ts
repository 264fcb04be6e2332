// An admin creates a webhook token: the row and its `token.created` audit event in one
// transaction. The plaintext goes back once and is never written anywhere, the audit log included.
import type { WebhookTokenSource } from "../ingest/accept/authenticate-bearer";
import type { AuditContext } from "../audit/audit-context";
import { recordAuditEvent } from "../audit/record-audit-event";
import { type Db, getDb } from "../db/client";
import { type CreatedWebhookToken, createWebhookToken } from "./create-webhook-token";

export async function createAuditedWebhookToken(source: WebhookTokenSource, name: string, audit: AuditContext, db: Db = getDb()): Promise<CreatedWebhookToken> {
  return db.$transaction(async (tx) => {
    const created = await createWebhookToken(tx, source, name);
    await recordAuditEvent(tx, {
      actor: audit.actor,
      action: "token.created",
      targetType: "webhook-token",
      targetId: String(created.id),
      reason: audit.reason,
      requestId: audit.requestId,
      outcome: "success",
      detail: { source, name: created.name },
    });
    return created;
  });
}
