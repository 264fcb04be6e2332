"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import type { AuditEventPage } from "@/lib/audit/list-audit-events";
import type { AsJson } from "../../settings/integrations/_components/as-json";
import { TableHeader } from "@/components/ui/table-header";

type PageJson = AsJson<AuditEventPage>;

const OUTCOME_TONES: Record<string, BadgeTone> = { success: "good", failure: "bad", refused: "warn", cancelled: "neutral" };

/** The filtered audit events, hydrated with the server's first page; "Load more" fetches the next keyset page. */
export function AuditTable({ query, initialPage }: { query: Record<string, string>; initialPage: PageJson }) {
  const events = useInfiniteQuery({
    queryKey: ["audit", query],
    queryFn: async ({ pageParam, signal }): Promise<PageJson> => {
      const params = new URLSearchParams(query);
      if (pageParam) params.set("cursor", pageParam);
      const response = await fetch(`/api/v1/audit?${params}`, { signal, cache: "no-store" });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `Shiplog answered ${response.status}`);
      }
      return (await response.json()) as PageJson;
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: { pages: [initialPage], pageParams: [null] },
    staleTime: Infinity,
  });
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];

  if (rows.length === 0) {
    return <EmptyState title="No audit events match">{Object.keys(query).length > 0 ? "Clear a filter to see more." : "Nothing privileged has happened yet."}</EmptyState>;
  }
  return (
    <div className="space-y-3">
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
        <table className="min-w-full divide-y divide-zinc-200 text-sm">
          <caption className="sr-only">Audit events, newest first</caption>
          <TableHeader columns={["When", "Actor", "Action", "Target", "Outcome", "Reason", "Detail", "Request id"]} />
          <tbody className="divide-y divide-zinc-100">
            {rows.map((event) => (
              <tr key={event.id} data-audit-id={event.id} className="align-top hover:bg-zinc-50">
                <td className="px-3 py-2 text-zinc-900">
                  <RelativeTime date={event.at} />
                </td>
                <td className="px-3 py-2 text-zinc-900">{event.actor}</td>
                <td className="px-3 py-2 font-mono text-xs text-zinc-900">{event.action}</td>
                <td className="px-3 py-2 text-zinc-900">
                  {event.targetType}
                  {event.targetId ? <span className="ml-1 font-mono text-xs text-zinc-700">{event.targetId}</span> : null}
                </td>
                <td className="px-3 py-2">
                  <Badge tone={OUTCOME_TONES[event.outcome] ?? "neutral"}>{event.outcome}</Badge>
                </td>
                <td className="max-w-xs px-3 py-2 break-words text-zinc-800">{event.reason ?? "—"}</td>
                <td className="max-w-sm px-3 py-2 font-mono text-xs break-all text-zinc-700">{describeDetail(event.detail)}</td>
                <td className="px-3 py-2 font-mono text-xs break-all text-zinc-600">{event.requestId ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {events.isError ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
          Could not load more: {events.error.message}
        </p>
      ) : null}
      {events.hasNextPage ? (
        <button
          type="button"
          onClick={() => void events.fetchNextPage()}
          disabled={events.isFetchingNextPage}
          className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 hover:bg-zinc-50 disabled:opacity-60"
        >
          {events.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </div>
  );
}

/** `key=value` pairs, short: the detail is for reading at a glance, the API has it whole. */
function describeDetail(detail: Record<string, unknown>): string {
  const text = Object.entries(detail)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return text.length > 240 ? `${text.slice(0, 239)}…` : text || "—";
}
