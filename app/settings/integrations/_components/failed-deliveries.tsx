"use client";

import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { SOURCE_LABELS, SOURCE_PARAMS } from "./source-labels";
import { type FailedDeliveryPageJson, type SourceParam, useFailedDeliveries, useReplayAllFailed, useReplayDelivery } from "./use-failed-deliveries";
import { TableHeader } from "@/components/ui/table-header";

type Delivery = FailedDeliveryPageJson["items"][number];

const FILTERS: { value: SourceParam | undefined; label: string }[] = [
  { value: undefined, label: "All sources" },
  ...(Object.entries(SOURCE_PARAMS) as [keyof typeof SOURCE_LABELS, SourceParam][]).map(([source, value]) => ({ value, label: SOURCE_LABELS[source] })),
];

/** Failed and quarantined deliveries with their errors, filterable by source (in the URL), each replayable. */
/** `canReplay`: whether the viewer holds the engineer role fleet-wide; others see no replay controls. */
export function FailedDeliveries({
  source,
  initialPage,
  canReplay,
}: {
  source: SourceParam | undefined;
  initialPage: FailedDeliveryPageJson;
  canReplay: boolean;
}) {
  const query = useFailedDeliveries(source, initialPage);
  // Rows replayed from this page stay listed, marked, until the list's next poll drops them.
  const [replayed, setReplayed] = useState<Set<number>>(() => new Set());
  const rows = query.data?.pages.flatMap((page) => page.items) ?? [];
  const sourceLabel = FILTERS.find((filter) => filter.value === source)?.label ?? "All sources";

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <nav aria-label="Filter failed deliveries by source">
          <ul className="flex flex-wrap gap-2 text-sm">
            {FILTERS.map((filter) => {
              const current = filter.value === source;
              return (
                <li key={filter.label}>
                  <Link
                    href={filter.value ? `/settings/integrations?source=${filter.value}#failed-deliveries` : "/settings/integrations#failed-deliveries"}
                    scroll={false}
                    aria-current={current ? "page" : undefined}
                    className={`rounded-full border px-3 py-1 no-underline ${current ? "border-zinc-900 bg-zinc-900 text-white" : "border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50"}`}
                  >
                    {filter.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        {rows.length > 0 && canReplay ? <ReplayAll source={source} label={sourceLabel} /> : null}
      </div>

      {query.isError ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
          Could not refresh the list: {query.error.message}
        </p>
      ) : null}

      {rows.length === 0 ? (
        <EmptyState title={source ? `No failed ${sourceLabel} deliveries` : "No failed deliveries"}>
          Every stored delivery was processed or waits its turn.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
          <table className="min-w-full divide-y divide-zinc-200 text-sm">
            <caption className="sr-only">Failed deliveries{source ? ` of ${sourceLabel}` : ""}, newest first</caption>
            <TableHeader columns={["Source", "Event", "Received", { label: "Attempts", align: "right" }, "Status", "Last error", "Delivery id", ...(canReplay ? ["Replay"] : [])]} />
            <tbody className="divide-y divide-zinc-100">
              {rows.map((delivery) => (
                <DeliveryRow
                  key={delivery.id}
                  delivery={delivery}
                  replayed={replayed.has(delivery.id)}
                  canReplay={canReplay}
                  onReplayed={() => setReplayed((previous) => new Set(previous).add(delivery.id))}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}

      {query.hasNextPage ? (
        <button
          type="button"
          onClick={() => void query.fetchNextPage()}
          disabled={query.isFetchingNextPage}
          className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 hover:bg-zinc-50 disabled:opacity-60"
        >
          {query.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </div>
  );
}

function DeliveryRow({
  delivery,
  replayed,
  canReplay,
  onReplayed,
}: {
  delivery: Delivery;
  replayed: boolean;
  canReplay: boolean;
  onReplayed: () => void;
}) {
  const replay = useReplayDelivery();
  return (
    <tr className="align-top hover:bg-zinc-50" data-delivery-id={delivery.id}>
      <td className="px-3 py-2.5 text-zinc-900">{SOURCE_LABELS[delivery.source]}</td>
      <td className="px-3 py-2.5 font-mono text-xs text-zinc-900">{delivery.event}</td>
      <td className="px-3 py-2.5 text-zinc-900">
        <RelativeTime date={delivery.receivedAt} />
      </td>
      <td className="px-3 py-2.5 text-right text-zinc-900 tabular-nums">{delivery.attempts}</td>
      <td className="px-3 py-2.5">
        {replayed ? (
          <Badge tone="info">queued for replay</Badge>
        ) : delivery.status === "QUARANTINED" ? (
          <Badge tone="bad">quarantined</Badge>
        ) : (
          <span className="space-y-0.5">
            <Badge tone="warn">retrying</Badge>
            {delivery.nextAttemptAt ? (
              <span className="block text-xs text-zinc-600">
                next <RelativeTime date={delivery.nextAttemptAt} />
              </span>
            ) : null}
          </span>
        )}
      </td>
      <td className="max-w-md px-3 py-2.5 font-mono text-xs break-words whitespace-pre-wrap text-red-900">{delivery.lastError ?? "—"}</td>
      <td className="px-3 py-2.5 font-mono text-xs break-all text-zinc-700" title={`Shiplog id ${delivery.id}`}>
        {delivery.deliveryId}
      </td>
      {canReplay ? (
        <td className="px-3 py-2.5">
          {replayed ? (
            <span role="status" className="text-xs font-medium text-emerald-800">
              Replayed: the worker applies it next
            </span>
          ) : (
            <span className="inline-flex flex-col items-start gap-1">
              <button
                type="button"
                onClick={() => replay.mutate(delivery.id, { onSuccess: onReplayed })}
                disabled={replay.isPending}
                aria-label={`Replay ${SOURCE_LABELS[delivery.source]} ${delivery.event} delivery ${delivery.deliveryId}`}
                className="rounded-md bg-zinc-900 px-2.5 py-1 text-xs font-medium text-white hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 disabled:opacity-60"
              >
                {replay.isPending ? "Replaying…" : "Replay"}
              </button>
              {replay.isError ? (
                <span role="alert" className="max-w-56 text-xs whitespace-normal text-red-800">
                  {replay.error.message}
                </span>
              ) : null}
            </span>
          )}
        </td>
      ) : null}
    </tr>
  );
}

function ReplayAll({ source, label }: { source: SourceParam | undefined; label: string }) {
  const replayAll = useReplayAllFailed(source);
  return (
    <span className="inline-flex items-center gap-3">
      <span role="status" className="text-xs text-zinc-700">
        {replayAll.isSuccess ? `${replayAll.data.replayed} deliveries queued again` : replayAll.isError ? <span className="text-red-800">{replayAll.error.message}</span> : ""}
      </span>
      <button
        type="button"
        onClick={() => replayAll.mutate()}
        disabled={replayAll.isPending}
        className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 hover:bg-zinc-50 disabled:opacity-60"
      >
        {replayAll.isPending ? "Replaying…" : source ? `Replay all failed ${label} deliveries` : "Replay all failed deliveries"}
      </button>
    </span>
  );
}
