// Every database webhook token, live ones first, newest first: a handful per installation, so
// one unpaged read.
import { type DbOrTx, getDb } from "../db/client";
import type { WebhookTokenView } from "./webhook-token-view";

export async function listWebhookTokenViews(db: DbOrTx = getDb()): Promise<WebhookTokenView[]> {
  const rows = await db.webhookToken.findMany({
    select: { id: true, source: true, name: true, createdAt: true, revokedAt: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 1000,
  });
  return rows
    .map((row) => ({ ...row, source: row.source as "ARGOCD" | "BUILD" | "DEPLOYER" | "GITLAB" | "FLUX" }))
    .sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null));
}
