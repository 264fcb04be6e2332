// Revokes a database webhook token by name. The next request presenting it gets 401; the row
// stays, so deliveries that name it (x-shiplog-authenticated-by) still say who sent them.
import type { DbOrTx } from "../db/client";
import type { WebhookTokenSource } from "../ingest/accept/authenticate-bearer";

/** True when a live token was revoked now; false when none by that name was live. */
export async function revokeWebhookToken(db: DbOrTx, source: WebhookTokenSource, name: string): Promise<boolean> {
  const { count } = await db.webhookToken.updateMany({
    where: { source, name, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count > 0;
}
