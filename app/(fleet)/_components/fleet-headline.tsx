import { StatCard } from "@/components/ui/stat-card";
import type { FleetOverview } from "@/lib/fleet/get-fleet-overview";
import { fleetViewSearch } from "@/lib/fleet/fleet-view";

const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });
const numberFormat = new Intl.NumberFormat("en-US");

/** The fleet's headline numbers: its size, what is wrong now, and how often and how safely it ships. */
export function FleetHeadline({ fleet }: { fleet: FleetOverview }) {
  const { changeFailureRate: cfr } = fleet;
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8">
      <StatCard label="Applications" value={fleet.applications} />
      <StatCard label="Services" value={fleet.services} />
      <StatCard label="Teams" value={fleet.teams} />
      {/* Each links to the matrix filtered to it (worst first when degraded). */}
      <StatCard label="Degraded" value={fleet.degraded} tone="bad" hint="applications now" href={`/${fleetViewSearch({ only: "degraded" })}#fleet-matrix`} />
      <StatCard label="Out of sync" value={fleet.outOfSync} tone="warn" hint="applications now" href={`/${fleetViewSearch({ only: "out-of-sync" })}#fleet-matrix`} />
      <StatCard label="Deployments" value={fleet.deploymentsLast24h} hint="last 24 hours" />
      <StatCard label="Deployments" value={fleet.deploymentsLast7d} hint="last 7 days" />
      {/* Same box as StatCard, for a percentage; links to the DORA page that explains it. */}
      <div className="rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-xs">
        <dt className="text-sm font-medium text-zinc-600">
          <a href={`/metrics?days=${cfr.days}`} className="underline-offset-2 hover:underline">
            Change failure rate
          </a>
        </dt>
        <dd className={`mt-1 text-3xl font-semibold tabular-nums ${cfr.rate && cfr.rate > 0.15 ? "text-red-700" : "text-zinc-950"}`}>
          {cfr.rate === null ? "–" : percent.format(cfr.rate)}
        </dd>
        <dd className="mt-0.5 text-xs text-zinc-500">
          {cfr.rate === null
            ? `no production deployments, last ${cfr.days} days`
            : `${numberFormat.format(cfr.failures)} of ${numberFormat.format(cfr.deployments)} in production, last ${cfr.days} days`}
        </dd>
      </div>
    </dl>
  );
}
