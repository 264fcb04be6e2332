import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { listWebhookTokenViews } from "@/lib/webhook-tokens/list-webhook-token-views";
import { requirePageAdmin } from "../../_auth/require-page-viewer";
import { asJson } from "../integrations/_components/as-json";
import { CreateTokenForm } from "./_components/create-token-form";
import { TokensTable } from "./_components/tokens-table";

export const metadata: Metadata = { title: "Webhook tokens" };

/** Webhook tokens for Argo CD, CI, deployers, GitLab and Flux: listed by name (never the token), created (shown once), revoked. */
export default async function TokensPage() {
  await connection();
  await requirePageAdmin();
  const tokens = await listWebhookTokenViews();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Webhook tokens</h1>
        <p className="mt-1 max-w-3xl text-sm text-zinc-600">
          Argo CD Notifications, CI and deploy jobs sending deployment events present one of these as <code className="font-mono">Authorization: Bearer …</code> (set-up on the{" "}
          <Link href="/settings/integrations">ingestion page</Link>); GitLab sends one as its webhook&apos;s secret token (<code className="font-mono">X-Gitlab-Token</code>), Flux as the
          bearer header of its Provider&apos;s Secret. A token is shown once, when it is created; Shiplog keeps only its SHA-256.
          Revoking one refuses the next delivery that presents it. Tokens in <code className="font-mono">ARGOCD_WEBHOOK_TOKENS</code>,{" "}
          <code className="font-mono">BUILD_WEBHOOK_TOKENS</code> and <code className="font-mono">DEPLOYER_WEBHOOK_TOKENS</code> are
          configuration and not listed here.
        </p>
      </div>
      <CreateTokenForm />
      <TokensTable tokens={asJson(tokens)} />
    </div>
  );
}
