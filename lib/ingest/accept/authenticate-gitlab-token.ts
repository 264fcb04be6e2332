// GitLab sends a webhook's secret token verbatim in X-Gitlab-Token (it signs nothing). A delivery
// is let in when that token is one of GITLAB_WEBHOOK_SECRET's comma-separated entries or a live
// GITLAB token in webhook_tokens (npm run webhook-token -- create gitlab <name>), so a project
// and a group hook can hold different tokens and a rotation can overlap. Checked before a byte of
// the body is read; every candidate is compared in constant time, by SHA-256.
import type { DbOrTx } from "../../db/client";
import { AppError } from "../../http/app-error";
import { hashWebhookToken, sameTokenHash } from "../../webhook-tokens/hash-webhook-token";
import type { Credential } from "./authenticate-bearer";
import { withDatabaseDeadline } from "./with-database-deadline";

export const GITLAB_TOKEN_SETTING = "GITLAB_WEBHOOK_SECRET";

// Printable ASCII: GitLab's secret token field holds what the operator typed.
const TOKEN = /^[\x21-\x7e]{1,512}$/;

export async function authenticateGitlabToken(
  db: Pick<DbOrTx, "webhookToken">,
  request: Request,
  configuredSecrets: readonly string[],
): Promise<Credential> {
  const header = request.headers.get("x-gitlab-token")?.trim() ?? "";
  const presentedHash = TOKEN.test(header) ? hashWebhookToken(header) : undefined;

  if (presentedHash !== undefined) {
    const index = firstMatch(configuredSecrets.map(hashWebhookToken), presentedHash);
    if (index !== undefined) return { label: `${GITLAB_TOKEN_SETTING}[${index}]` };
  }
  if (presentedHash === undefined && configuredSecrets.length > 0) throw missingToken();

  const stored = await withDatabaseDeadline(
    db.webhookToken.findMany({ where: { source: "GITLAB", revokedAt: null }, select: { name: true, tokenHash: true } }),
  );
  if (configuredSecrets.length === 0 && stored.length === 0) {
    throw new AppError(
      "not_configured",
      `GitLab webhooks are not configured on this Shiplog: set ${GITLAB_TOKEN_SETTING} to the webhook's secret token ` +
        "or create a token (npm run webhook-token -- create gitlab <name>).",
    );
  }
  if (presentedHash === undefined) throw missingToken();
  const index = firstMatch(stored.map((token) => token.tokenHash), presentedHash);
  const match = index === undefined ? undefined : stored[index];
  if (!match) {
    throw new AppError("unauthorized", `X-Gitlab-Token is not valid: it matches no entry of ${GITLAB_TOKEN_SETTING} and no live GitLab token.`);
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
  return new AppError(
    "unauthorized",
    `X-Gitlab-Token is missing or malformed: set the webhook's secret token in GitLab to one of ${GITLAB_TOKEN_SETTING}'s entries.`,
  );
}
