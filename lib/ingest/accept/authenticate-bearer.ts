// Bearer-token authentication for senders that cannot sign (Argo CD Notifications, CI, deployers).
// A token is valid when it is one of the setting's comma-separated tokens or a live token of
// that source in webhook_tokens; both lists may hold several, so rotation can overlap.
import type { DbOrTx } from "../../db/client";
import type { DeliverySource } from "../../generated/prisma/enums";
import { AppError } from "../../http/app-error";
import { hashWebhookToken, sameTokenHash } from "../../webhook-tokens/hash-webhook-token";
import { withDatabaseDeadline } from "./with-database-deadline";

/** FLUX: a stored token Flux sends from its Provider Secret's `headers` (authenticate-flux.ts). */
export type BearerSource = Extract<DeliverySource, "ARGOCD" | "BUILD" | "DEPLOYER" | "FLUX">;

/** Sources with database tokens (webhook_tokens): the bearer ones, and GitLab's X-Gitlab-Token. */
export type WebhookTokenSource = BearerSource | Extract<DeliverySource, "GITLAB">;

/** Which credential let a delivery in: a setting entry (`ARGOCD_WEBHOOK_TOKENS[1]`) or `token:<name>`. */
export type Credential = { label: string };

export const TOKEN_SETTING: Record<BearerSource, string> = {
  ARGOCD: "ARGOCD_WEBHOOK_TOKENS",
  BUILD: "BUILD_WEBHOOK_TOKENS",
  DEPLOYER: "DEPLOYER_WEBHOOK_TOKENS",
  FLUX: "FLUX_WEBHOOK_SECRET",
};

const SOURCE_NAME: Record<BearerSource, string> = { ARGOCD: "Argo CD", BUILD: "Build", DEPLOYER: "Deployment", FLUX: "Flux" };

const BEARER = /^Bearer[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i;

export async function authenticateBearer(
  db: Pick<DbOrTx, "webhookToken">,
  request: Request,
  source: BearerSource,
  configuredTokens: readonly string[],
): Promise<Credential> {
  const presented = BEARER.exec(request.headers.get("authorization") ?? "")?.[1];
  const presentedHash = presented === undefined ? undefined : hashWebhookToken(presented);

  if (presentedHash !== undefined) {
    const index = firstMatch(configuredTokens.map(hashWebhookToken), presentedHash);
    if (index !== undefined) return { label: `${TOKEN_SETTING[source]}[${index}]` };
  }
  // Without a token there is nothing to look up, unless the answer must say "not configured".
  if (presentedHash === undefined && configuredTokens.length > 0) throw missingToken();

  const stored = await withDatabaseDeadline(
    db.webhookToken.findMany({ where: { source, revokedAt: null }, select: { name: true, tokenHash: true } }),
  );
  if (configuredTokens.length === 0 && stored.length === 0) {
    throw new AppError(
      "not_configured",
      `${SOURCE_NAME[source]} webhooks are not configured on this Shiplog: set ${TOKEN_SETTING[source]} ` +
        `or create a token (npm run webhook-token -- create ${source.toLowerCase()} <name>).`,
    );
  }
  if (presentedHash === undefined) throw missingToken();
  const index = firstMatch(stored.map((token) => token.tokenHash), presentedHash);
  const match = index === undefined ? undefined : stored[index];
  if (!match) {
    throw new AppError("unauthorized", "The bearer token is not valid (unknown or revoked).", { headers: { "WWW-Authenticate": 'Bearer realm="shiplog", error="invalid_token"' } });
  }
  return { label: `token:${match.name}` };
}

/** Compares against every candidate, so the time taken does not say which one matched. */
function firstMatch(candidateHashes: readonly string[], presentedHash: string): number | undefined {
  let match: number | undefined;
  candidateHashes.forEach((candidate, index) => {
    if (sameTokenHash(candidate, presentedHash) && match === undefined) match = index;
  });
  return match;
}

function missingToken(): AppError {
  return new AppError("unauthorized", "Authorization: Bearer <token> is missing or malformed.", {
    headers: { "WWW-Authenticate": 'Bearer realm="shiplog"' },
  });
}
