// Trend charts of the four metrics over the window, per day (up to 31 days) or per week; lead
// time and time to restore as the median per bucket, the mean dashed beside it.
import { DeploymentTrendChart } from "@/components/charts/deployment-trend-chart";
import { DoraLineChart } from "@/components/charts/dora-line-chart";
import type { DoraMetrics } from "@/lib/metrics/get-dora-metrics";

const hours = (seconds: number | null) => (seconds === null ? null : seconds / 3_600);

export function DoraTrends({ metrics }: { metrics: DoraMetrics }) {
  const per = metrics.granularity === "day" ? "per day" : "per week";
  const series = metrics.series;
  return (
    <section aria-labelledby="dora-trends" className="space-y-3">
      <h2 id="dora-trends" className="text-lg font-semibold text-zinc-950">
        Trends ({per}, UTC)
      </h2>
      <div className="grid gap-3 lg:grid-cols-2">
        <DeploymentTrendChart label={`Production deployments and failures ${per}`} points={series} />
        <DoraLineChart
          label={`Change failure rate ${per}`}
          unit="%"
          points={series.map((point) => ({ start: point.start, value: point.changeFailureRate === null ? null : point.changeFailureRate * 100 }))}
        />
        <DoraLineChart
          label={`Lead time for changes ${per}: median (mean dashed)`}
          unit=" h"
          valueName="median"
          meanName="mean"
          points={series.map((point) => ({ start: point.start, value: hours(point.leadTimeMedianSeconds), mean: hours(point.leadTimeSeconds) }))}
        />
        <DoraLineChart
          label={`Time to restore ${per}: median (mean dashed)`}
          unit=" h"
          valueName="median"
          meanName="mean"
          points={series.map((point) => ({ start: point.start, value: hours(point.restoreMedianSeconds), mean: hours(point.restoreSeconds) }))}
        />
      </div>
    </section>
  );
}
