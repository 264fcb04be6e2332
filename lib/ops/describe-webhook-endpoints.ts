// What `npm start` tells an operator about ingestion: where each webhook goes and which
// credential it needs. On the embedded demo (no DATABASE_URL) with no bearer credential
// configured at all, it creates a "demo" token per bearer source, so events can be sent right
// away; tokens are stored hashed, so their only showing is this first start.
import type { DbOrTx } from "../db/client";
import type { Config } from "../env";
import { type BearerSource, TOKEN_SETTING } from "../ingest/accept/authenticate-bearer";
import { createWebhookToken } from "../webhook-tokens/create-webhook-token";

export async function describeWebhookEndpoints(
  db: DbOrTx,
  settings: Pick<Config, "PORT" | "DATABASE_URL" | "GITHUB_WEBHOOK_SECRET" | "ARGOCD_WEBHOOK_TOKENS" | "BUILD_WEBHOOK_TOKENS" | "DEPLOYER_WEBHOOK_TOKENS" | "GITLAB_WEBHOOK_SECRET" | "FLUX_WEBHOOK_SECRET">,
  options: { embedded: boolean },
): Promise<string[]> {
  const base = `http://localhost:${settings.PORT}/api/webhooks`;
  const lines = ["webhooks:"];
  const bearer: [BearerSource, string, readonly string[]][] = [
    ["ARGOCD", "argocd", settings.ARGOCD_WEBHOOK_TOKENS],
    ["BUILD", "build", settings.BUILD_WEBHOOK_TOKENS],
    ["DEPLOYER", "deployments", settings.DEPLOYER_WEBHOOK_TOKENS],
  ];
  for (const [source, path, configured] of bearer) {
    const stored = await db.webhookToken.findMany({ where: { source, revokedAt: null }, select: { name: true } });
    let credential: string;
    if (configured.length > 0 || stored.length > 0) {
      const parts = [
        ...(configured.length > 0 ? [`${configured.length} token(s) in ${TOKEN_SETTING[source]}`] : []),
        ...(stored.length > 0 ? [`stored tokens ${stored.map((token) => `"${token.name}"`).join(", ")}`] : []),
      ];
      credential = `Authorization: Bearer <token> (${parts.join("; ")})`;
    } else if (options.embedded) {
      const created = await createWebhookToken(db, source, "demo");
      credential = `Authorization: Bearer ${created.token}   (created now for this demo and shown only once)`;
    } else {
      credential = `not accepting yet: set ${TOKEN_SETTING[source]} or create a token (npm run webhook-token -- create ${source.toLowerCase()} <name>)`;
    }
    lines.push(`  POST ${base}/${path}  ${credential}`);
  }
  lines.push(
    `  POST ${base}/github  ${
      settings.GITHUB_WEBHOOK_SECRET.length > 0
        ? "signed with GITHUB_WEBHOOK_SECRET (X-Hub-Signature-256)"
        : "not accepting yet: set GITHUB_WEBHOOK_SECRET (the webhook's secret in GitHub)"
    }`,
  );
  const gitlabTokens = await db.webhookToken.count({ where: { source: "GITLAB", revokedAt: null } });
  lines.push(
    `  POST ${base}/gitlab  ${
      settings.GITLAB_WEBHOOK_SECRET.length + gitlabTokens > 0
        ? "X-Gitlab-Token: one of GITLAB_WEBHOOK_SECRET or a stored GitLab token"
        : "not accepting yet: set GITLAB_WEBHOOK_SECRET (the webhook's secret token in GitLab)"
    }`,
  );
  const fluxTokens = await db.webhookToken.count({ where: { source: "FLUX", revokedAt: null } });
  lines.push(
    `  POST ${base}/flux  ${
      settings.FLUX_WEBHOOK_SECRET.length + fluxTokens > 0
        ? "X-Signature (generic-hmac, keyed with one of FLUX_WEBHOOK_SECRET) or a stored Flux token as Authorization: Bearer"
        : "not accepting yet: set FLUX_WEBHOOK_SECRET (the token of Flux's generic-hmac Provider Secret)"
    }`,
    "  set-up guides: docs/setup-argocd.md, docs/setup-gitlab.md, docs/setup-flux.md, docs/webhooks.md",
  );
  return lines;
}
