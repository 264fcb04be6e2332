// The four DORA numbers, each a link that opens its drill-down, with the previous window's value
// and the change. Lower is better for all but deployment frequency, and the colour says so.
import Link from "next/link";
import { formatChange, formatDuration, formatPerDay, formatRate } from "@/lib/metrics/format-dora";
import type { DoraMetrics } from "@/lib/metrics/get-dora-metrics";
import { relativeChange } from "@/lib/metrics/summarize-dora";

type Card = {
  drill: string;
  label: string;
  value: string;
  detail: string;
  previous: string;
  change: number | null;
  higherIsBetter: boolean;
};

export function DoraMetricCards({ metrics, hrefFor }: { metrics: DoraMetrics; hrefFor: (drill: string) => string }) {
  const { current, previous } = metrics;
  const cards: Card[] = [
    {
      drill: "deployments",
      label: "Deployment frequency",
      value: formatPerDay(current.deploymentsPerDay),
      detail: `${current.deployments} production deployments`,
      previous: formatPerDay(previous.deploymentsPerDay),
      change: relativeChange(current.deploymentsPerDay, previous.deploymentsPerDay),
      higherIsBetter: true,
    },
    {
      drill: "lead-time",
      label: "Lead time for changes",
      value: formatDuration(current.leadTimeSeconds),
      detail: `mean of ${current.leadTimeCommits} commits`,
      previous: formatDuration(previous.leadTimeSeconds),
      change: relativeChange(current.leadTimeSeconds, previous.leadTimeSeconds),
      higherIsBetter: false,
    },
    {
      drill: "failures",
      label: "Change failure rate",
      value: formatRate(current.changeFailureRate),
      detail: `${current.failures} of ${current.deployments} deployments failed`,
      previous: formatRate(previous.changeFailureRate),
      change: relativeChange(current.changeFailureRate, previous.changeFailureRate),
      higherIsBetter: false,
    },
    {
      drill: "restore",
      label: "Time to restore service",
      value: formatDuration(current.restoreSeconds),
      detail: `mean of ${current.incidents} restored incidents`,
      previous: formatDuration(previous.restoreSeconds),
      change: relativeChange(current.restoreSeconds, previous.restoreSeconds),
      higherIsBetter: false,
    },
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      {cards.map((card) => {
        const change = formatChange(card.change);
        const better = card.change === null || Math.abs(card.change) < 0.005 ? null : card.change > 0 === card.higherIsBetter;
        return (
          <div key={card.drill} data-metric={card.drill} className="rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-xs">
            <dt className="text-sm font-medium text-zinc-600">{card.label}</dt>
            <dd className="mt-1 text-3xl font-semibold tabular-nums text-zinc-950">
              <Link href={hrefFor(card.drill)} scroll={false} className="hover:underline" data-metric-value>
                {card.value}
              </Link>
            </dd>
            <dd className="mt-0.5 text-xs text-zinc-600" data-metric-detail>
              {card.detail}
            </dd>
            <dd className="mt-1 text-xs text-zinc-600">
              Previous {metrics.window.days} days: <span className="tabular-nums">{card.previous}</span>
              {change ? (
                <span className={`ml-1 font-medium ${better === null ? "text-zinc-700" : better ? "text-emerald-700" : "text-red-700"}`}>({change})</span>
              ) : null}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
