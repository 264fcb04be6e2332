"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import type { WebhookTokenView } from "@/lib/webhook-tokens/webhook-token-view";
import type { AsJson } from "../../integrations/_components/as-json";
import { adminRequest } from "../../users/_components/admin-request";
import { TableHeader } from "@/components/ui/table-header";

const SOURCE_LABELS = { ARGOCD: "Argo CD", BUILD: "CI build reports", DEPLOYER: "Deployment events", GITLAB: "GitLab", FLUX: "Flux" } as const;

export function TokensTable({ tokens }: { tokens: AsJson<WebhookTokenView>[] }) {
  if (tokens.length === 0) return <EmptyState title="No stored webhook tokens">Create one above, or configure tokens in the environment.</EmptyState>;
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
      <table className="min-w-full divide-y divide-zinc-200 text-sm">
        <caption className="sr-only">Webhook tokens, live ones first</caption>
        <TableHeader columns={["Name", "Source", "Created", "Status", { label: "Revoke", srOnly: true }]} />
        <tbody className="divide-y divide-zinc-100">
          {tokens.map((token) => (
            <TokenRow key={token.id} token={token} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TokenRow({ token }: { token: AsJson<WebhookTokenView> }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  function revoke() {
    setError(null);
    startTransition(async () => {
      try {
        await adminRequest(`/api/v1/webhook-tokens/${token.id}`, "DELETE");
        router.refresh();
      } catch (failure) {
        setError((failure as Error).message);
      }
    });
  }
  return (
    <tr data-token-name={token.name} className="hover:bg-zinc-50">
      <td className="px-3 py-2.5 font-mono text-xs text-zinc-950">{token.name}</td>
      <td className="px-3 py-2.5 text-zinc-900">{SOURCE_LABELS[token.source]}</td>
      <td className="px-3 py-2.5 text-zinc-900">
        <RelativeTime date={token.createdAt} />
      </td>
      <td className="px-3 py-2.5">
        {token.revokedAt ? (
          <span className="inline-flex items-center gap-1">
            <Badge tone="neutral">revoked</Badge> <RelativeTime date={token.revokedAt} />
          </span>
        ) : (
          <Badge tone="good">live</Badge>
        )}
      </td>
      <td className="px-3 py-2.5">
        {token.revokedAt ? null : (
          <button
            type="button"
            onClick={revoke}
            disabled={pending}
            aria-label={`Revoke token ${token.name}`}
            className="rounded-md border border-red-300 bg-white px-2.5 py-1 text-xs font-medium text-red-800 hover:bg-red-50 disabled:opacity-60"
          >
            {pending ? "Revoking…" : "Revoke"}
          </button>
        )}
        {error ? (
          <span role="alert" className="ml-2 text-xs text-red-800">
            {error}
          </span>
        ) : null}
      </td>
    </tr>
  );
}
