"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableHeader } from "@/components/ui/table-header";
import type { ApiTokenView } from "@/lib/api-tokens/api-token-view";
import type { AsJson } from "../../integrations/_components/as-json";
import { adminRequest } from "../../users/_components/admin-request";

export function ApiTokensTable({ tokens }: { tokens: AsJson<ApiTokenView>[] }) {
  if (tokens.length === 0) return <EmptyState title="No API tokens yet">Create one above for a script or a bot.</EmptyState>;
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
      <table className="min-w-full divide-y divide-zinc-200 text-sm">
        <caption className="sr-only">API tokens, active ones first</caption>
        <TableHeader columns={["Name", "Token", "Scope", "Owner", "Expires", "Last used", "Status", { label: "Revoke", srOnly: true }]} />
        <tbody className="divide-y divide-zinc-100">
          {tokens.map((token) => (
            <ApiTokenRow key={token.id} token={token} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

const STATUS_TONE = { active: "good", expired: "neutral", revoked: "neutral" } as const;

function ApiTokenRow({ token }: { token: AsJson<ApiTokenView> }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  function revoke() {
    setError(null);
    startTransition(async () => {
      try {
        await adminRequest(`/api/v1/tokens/${token.id}`, "DELETE");
        router.refresh();
      } catch (failure) {
        setError((failure as Error).message);
      }
    });
  }
  return (
    <tr data-api-token-name={token.name} className="hover:bg-zinc-50">
      <td className="px-3 py-2.5 text-zinc-950">{token.name}</td>
      <td className="px-3 py-2.5 font-mono text-xs text-zinc-900">{token.hint}…</td>
      <td className="px-3 py-2.5 text-zinc-900">
        {token.role} · {token.teamId === null ? "fleet-wide" : `team ${token.teamId}`}
      </td>
      <td className="px-3 py-2.5 text-zinc-900">{token.kind === "service" ? `service (by ${token.createdBy ?? "a removed account"})` : token.owner}</td>
      <td className="px-3 py-2.5 text-zinc-900">
        <RelativeTime date={token.expiresAt} />
      </td>
      <td className="px-3 py-2.5 text-zinc-900">{token.lastUsedAt ? <RelativeTime date={token.lastUsedAt} /> : "never"}</td>
      <td className="px-3 py-2.5">
        <Badge tone={STATUS_TONE[token.status]}>{token.status}</Badge>
      </td>
      <td className="px-3 py-2.5">
        {token.revokedAt ? null : (
          <button
            type="button"
            onClick={revoke}
            disabled={pending}
            aria-label={`Revoke API token ${token.name}`}
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
