// Manages the database webhook tokens of Argo CD, CI, deployer, GitLab and Flux senders (docs/webhooks.md):
//   npm run webhook-token -- create <argocd|build|deployer|gitlab|flux> <name>
//   npm run webhook-token -- revoke <argocd|build|deployer|gitlab|flux> <name>
//   npm run webhook-token -- list
// Uses DATABASE_URL, or the embedded PostgreSQL of a running `npm start` (SHIPLOG_DATA_DIR).
// Creating and revoking are audited like the admin page's (token.created / token.revoked), with
// the operating-system account as the actor: `cli:<user>@<host>`.
import os from "node:os";
import { z } from "zod";
import { closeDb, getDb } from "../lib/db/client";
import { AppError } from "../lib/http/app-error";
import { describeZodIssues } from "../lib/http/with-error-handling";
import type { WebhookTokenSource } from "../lib/ingest/accept/authenticate-bearer";
import type { AuditContext } from "../lib/audit/audit-context";
import { listWebhookTokens } from "../lib/webhook-tokens/list-webhook-tokens";
import { createAuditedWebhookToken } from "../lib/webhook-tokens/create-audited-webhook-token";
import { revokeAuditedWebhookToken } from "../lib/webhook-tokens/revoke-audited-webhook-token";
import { useRunningDatabase } from "../lib/ops/use-running-database";
import { StartupError } from "../lib/startup-error";

const usage = "usage: webhook-token.ts create|revoke <argocd|build|deployer|gitlab|flux> <name> | list";

class UsageError extends Error {}

function sourceOf(raw: string | undefined): WebhookTokenSource {
  if (raw === "argocd") return "ARGOCD";
  if (raw === "build") return "BUILD";
  if (raw === "deployer") return "DEPLOYER";
  if (raw === "gitlab") return "GITLAB";
  if (raw === "flux") return "FLUX";
  throw new UsageError(`unknown source ${JSON.stringify(raw ?? "")} (GitHub uses GITHUB_WEBHOOK_SECRET, not tokens)\n${usage}`);
}

async function main(): Promise<void> {
  const [command, source, name] = process.argv.slice(2);
  if (command !== "create" && command !== "revoke" && command !== "list") throw new UsageError(usage);
  await useRunningDatabase();
  const db = getDb();
  if (command === "list") {
    for (const token of await listWebhookTokens(db)) {
      const state = token.revokedAt ? `revoked ${token.revokedAt.toISOString()}` : "live";
      console.log(`${token.source.toLowerCase()}\t${token.name}\tcreated ${token.createdAt.toISOString()}\t${state}`);
    }
    return;
  }
  if (!name) throw new UsageError(usage);
  const audit: AuditContext = { actor: `cli:${os.userInfo().username}@${os.hostname()}`, requestId: null, reason: "npm run webhook-token" };
  if (command === "create") {
    const created = await createAuditedWebhookToken(sourceOf(source), name, audit, db);
    console.error(`Created ${created.source.toLowerCase()} token "${created.name}". It is shown once; store it in the sender's secret now:`);
    console.log(created.token);
    return;
  }
  const live = await db.webhookToken.findFirst({ where: { source: sourceOf(source), name, revokedAt: null }, select: { id: true } });
  if (!live) throw new UsageError(`No live ${source} token named "${name}".`);
  await revokeAuditedWebhookToken(live.id, audit, db);
  console.log(`Revoked ${source} token "${name}".`);
}

main()
  .catch((error: unknown) => {
    if (error instanceof z.ZodError) console.error(`invalid name: ${describeZodIssues(error.issues)}`);
    else console.error(error instanceof UsageError || error instanceof AppError || error instanceof StartupError ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
