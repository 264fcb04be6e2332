// The four DORA numbers, each a link that opens its drill-down, with the previous window's value
// and the change, or why the previous window is too thin to compare with (compare-dora-windows.ts). Lead time and time to restore show the median (the DORA report's measure) with
// the mean beside it; the comparison is between medians. Lower is better for all but deployment
// frequency, and the colour says so.
import Link from "next/link";
import { formatChange, formatDuration, formatPerDay, formatRate } from "@/lib/metrics/format-dora";
import type { DoraMetrics } from "@/lib/metrics/get-dora-metrics";
import { relativeChange } from "@/lib/metrics/summarize-dora";

type Card = {
  drill: string;
  label: string;
  value: string;
  detail: string;
  /** The mean beside a median headline. */
  mean?: string;
  previous: string;
  change: number | null;
  /** Why the previous window is too thin to compare with; null when the change is shown. */
  notComparable: string | null;
  higherIsBetter: boolean;
};

export function DoraMetricCards({ metrics, hrefFor }: { metrics: DoraMetrics; hrefFor: (drill: string) => string }) {
  const { current, previous, comparison } = metrics;
  const cards: Card[] = [
    {
      drill: "deployments",
      label: "Deployment frequency",
      value: formatPerDay(current.deploymentsPerDay),
      detail: `${current.deployments} production deployments`,
      previous: formatPerDay(previous.deploymentsPerDay),
      change: relativeChange(current.deploymentsPerDay, previous.deploymentsPerDay),
      notComparable: comparison.deploymentFrequency.reason,
      higherIsBetter: true,
    },
    {
      drill: "lead-time",
      label: "Lead time for changes",
      value: formatDuration(current.leadTimeMedianSeconds),
      detail: `median of ${current.leadTimeCommits} commits`,
      mean: formatDuration(current.leadTimeSeconds),
      previous: formatDuration(previous.leadTimeMedianSeconds),
      change: relativeChange(current.leadTimeMedianSeconds, previous.leadTimeMedianSeconds),
      notComparable: comparison.leadTime.reason,
      higherIsBetter: false,
    },
    {
      drill: "failures",
      label: "Change failure rate",
      value: formatRate(current.changeFailureRate),
      detail: `${current.failures} of ${current.deployments} deployments failed`,
      previous: formatRate(previous.changeFailureRate),
      change: relativeChange(current.changeFailureRate, previous.changeFailureRate),
      notComparable: comparison.changeFailureRate.reason,
      higherIsBetter: false,
    },
    {
      drill: "restore",
      label: "Time to restore service",
      value: formatDuration(current.restoreMedianSeconds),
      detail: `median of ${current.incidents} restored incidents`,
      mean: formatDuration(current.restoreSeconds),
      previous: formatDuration(previous.restoreMedianSeconds),
      change: relativeChange(current.restoreMedianSeconds, previous.restoreMedianSeconds),
      notComparable: comparison.timeToRestore.reason,
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
            <dd className="mt-1 flex flex-wrap items-baseline gap-x-2 text-3xl font-semibold tabular-nums text-zinc-950">
              <Link href={hrefFor(card.drill)} scroll={false} className="hover:underline" data-metric-value>
                {card.value}
              </Link>
              {card.mean !== undefined ? (
                <span className="text-sm font-normal text-zinc-600" data-metric-mean>
                  mean {card.mean}
                </span>
              ) : null}
            </dd>
            <dd className="mt-0.5 text-xs text-zinc-600" data-metric-detail>
              {card.detail}
            </dd>
            <dd className="mt-1 text-xs text-zinc-600">
              Previous {metrics.window.days} days: <span className="tabular-nums">{card.previous}</span>
              {card.notComparable !== null ? (
                <span className="ml-1 text-zinc-700" data-not-comparable>
                  (too little data to compare: {card.notComparable})
                </span>
              ) : change ? (
                <span className={`ml-1 font-medium ${better === null ? "text-zinc-700" : better ? "text-emerald-700" : "text-red-700"}`}>({change})</span>
              ) : null}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
