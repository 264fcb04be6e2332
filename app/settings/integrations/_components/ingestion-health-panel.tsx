"use client";

import { RelativeTime } from "@/components/ui/relative-time";
import { formatLag } from "@/lib/format/format-lag";
import { SOURCE_LABELS } from "./source-labels";
import { type IngestionHealthJson, useIngestionHealth } from "./use-ingestion-health";

const numberFormat = new Intl.NumberFormat("en-US");

/** Per source: last delivery, arrivals and failures, queue lag and the quarantine; live. */
export function IngestionHealthPanel({ initialData }: { initialData: IngestionHealthJson }) {
  const { data, isError, dataUpdatedAt } = useIngestionHealth(initialData);
  return (
    <div className="space-y-2">
      <div className="grid gap-4 lg:grid-cols-3">
        {data.sources.map((source) => {
          const label = SOURCE_LABELS[source.source];
          const waiting = source.pending.total + source.failed.total;
          return (
            <section key={source.source} aria-label={`${label} deliveries`} className="rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-xs">
              <h3 className="text-base font-semibold text-zinc-950">
                {label}
              </h3>
              <p className="text-sm text-zinc-600">
                Last delivery: {source.lastReceivedAt ? <RelativeTime date={source.lastReceivedAt} /> : <span>never</span>}
              </p>
              <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
                <Figure label="Received, last hour" value={source.received.lastHour} />
                <Figure label="Received, last day" value={source.received.lastDay} />
                <Figure label="Failed, last hour" value={source.failures.lastHour} tone="bad" />
                <Figure label="Failed, last day" value={source.failures.lastDay} tone="bad" />
                <Figure label="Waiting in queue" value={waiting} tone="warn" />
                <div>
                  <dt className="text-zinc-600">Queue lag</dt>
                  <dd className="font-semibold text-zinc-950 tabular-nums">
                    {source.queueLagSeconds === null ? "none" : formatLag(source.queueLagSeconds)}
                  </dd>
                </div>
                <Figure label="Quarantined" value={source.quarantined.total} tone="bad" />
              </dl>
            </section>
          );
        })}
      </div>
      <p className="text-xs text-zinc-600" aria-live="polite">
        {isError ? "Could not refresh just now; showing the last answer. Retrying every 5 s." : "Refreshed every 5 s"}
        {dataUpdatedAt ? <> · updated <RelativeTime date={new Date(dataUpdatedAt)} /></> : null}
      </p>
    </div>
  );
}

function Figure({ label, value, tone }: { label: string; value: number; tone?: "bad" | "warn" }) {
  const colour = value === 0 || !tone ? "text-zinc-950" : tone === "bad" ? "text-red-700" : "text-amber-800";
  return (
    <div>
      <dt className="text-zinc-600">{label}</dt>
      <dd className={`font-semibold tabular-nums ${colour}`}>{numberFormat.format(value)}</dd>
    </div>
  );
}
