// The four DORA numbers for the fleet, a team or a service, each linking to its drill-down on
// /metrics. An async server component: render it inside a Suspense boundary.
import Link from "next/link";
import { buildMetricsHref } from "@/lib/metrics/build-metrics-href";
import { formatDuration, formatPerDay, formatRate } from "@/lib/metrics/format-dora";
import { getDoraMetrics } from "@/lib/metrics/get-dora-metrics";

export type DoraSummaryProps = { team?: string; service?: string; days?: number };

export async function DoraSummary({ team, service, days = 30 }: DoraSummaryProps) {
  const metrics = await getDoraMetrics({ team, service, days });
  if (!metrics) return null;
  const { current } = metrics;
  const link = (drill: string) => buildMetricsHref({ team, service, days, drill });
  const items = [
    { label: "Deployment frequency", value: formatPerDay(current.deploymentsPerDay), hint: `${current.deployments} production deployments`, drill: "deployments" },
    { label: "Lead time for changes", value: formatDuration(current.leadTimeSeconds), hint: `mean of ${current.leadTimeCommits} commits`, drill: "lead-time" },
    { label: "Change failure rate", value: formatRate(current.changeFailureRate), hint: `${current.failures} of ${current.deployments} deployments`, drill: "failures" },
    { label: "Time to restore", value: formatDuration(current.restoreSeconds), hint: `mean of ${current.incidents} incidents`, drill: "restore" },
  ];
  return (
    <section aria-label={`DORA metrics, last ${days} days`} className="space-y-2">
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {items.map((item) => (
          <div key={item.drill} className="rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-xs">
            <dt className="text-sm font-medium text-zinc-600">{item.label}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums text-zinc-950">
              <Link href={link(item.drill)} className="hover:underline">
                {item.value}
              </Link>
            </dd>
            <dd className="mt-0.5 text-xs text-zinc-600">{item.hint}</dd>
          </div>
        ))}
      </dl>
      <p className="text-xs text-zinc-600">
        Production deployments, last {days} days (UTC).{" "}
        <Link href={buildMetricsHref({ team, service, days })} className="font-medium text-blue-700 hover:underline">
          DORA metrics and definitions
        </Link>
      </p>
    </section>
  );
}
