// Fleet-wide deployments and failures per day over the last 30 days, for the fleet page.
import Link from "next/link";
import { DeploymentTrendChartWhenVisible } from "@/components/charts/deployment-trend-chart-when-visible";
import { listFleetDeploymentTrend } from "@/lib/metrics/list-fleet-deployment-trend";

export async function FleetTrends({ days = 30 }: { days?: number }) {
  const trend = await listFleetDeploymentTrend({ days });
  return (
    <section aria-labelledby="fleet-trends" className="space-y-3">
      <div className="flex items-baseline justify-between">
        <h2 id="fleet-trends" className="text-lg font-semibold text-zinc-950">
          Deployments per day
        </h2>
        <Link href={`/metrics?days=${days}`} className="text-sm font-medium text-blue-700 hover:underline">
          DORA metrics
        </Link>
      </div>
      {/* Below the fold on first load: recharts is fetched only once the chart scrolls into view. */}
      <DeploymentTrendChartWhenVisible
        label={`Deployments and failures per day, all environments, last ${days} days (UTC)`}
        points={trend.map((day) => ({ start: day.day, deployments: day.deployments, failures: day.failures }))}
      />
    </section>
  );
}
