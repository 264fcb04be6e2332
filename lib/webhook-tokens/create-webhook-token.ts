// Creates a bearer token for Argo CD or CI senders. The plaintext is returned once and never
// stored; the database keeps its SHA-256 only.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { AppError } from "../http/app-error";
import type { WebhookTokenSource } from "../ingest/accept/authenticate-bearer";
import { hashWebhookToken } from "./hash-webhook-token";

export const webhookTokenName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\w.@:-]+$/, "use letters, digits and . _ - @ : only");

export type CreatedWebhookToken = { id: number; source: WebhookTokenSource; name: string; token: string };

export async function createWebhookToken(db: DbOrTx, source: WebhookTokenSource, name: string): Promise<CreatedWebhookToken> {
  const tokenName = webhookTokenName.parse(name);
  // A recognisable prefix lets secret scanners find leaked tokens.
  const token = `shiplog_${source.toLowerCase()}_${randomBytes(32).toString("base64url")}`;
  try {
    const row = await db.webhookToken.create({
      data: { source, name: tokenName, tokenHash: hashWebhookToken(token) },
      select: { id: true },
    });
    return { id: row.id, source, name: tokenName, token };
  } catch (error) {
    if ((error as { code?: unknown }).code !== "P2002") throw error;
    throw new AppError("conflict", `A ${source} webhook token named "${tokenName}" already exists (names stay taken after revocation).`, {
      cause: error,
    });
  }
}
