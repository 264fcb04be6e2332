// The database webhook tokens (names and dates; never hashes) for operators rotating them.
import type { DbOrTx } from "../db/client";

export async function listWebhookTokens(db: DbOrTx) {
  return db.webhookToken.findMany({
    select: { source: true, name: true, createdAt: true, revokedAt: true },
    orderBy: [{ source: "asc" }, { createdAt: "asc" }],
  });
}
