/** What shows while the trend chart's numbers load: the chart's box, so nothing jumps. */
export function FleetTrendsSkeleton() {
  return (
    <section aria-label="Deployments per day (loading)" aria-busy="true" className="space-y-3">
      <div className="h-6 w-48 animate-pulse rounded bg-zinc-200" />
      <div className="h-64 animate-pulse rounded-lg border border-zinc-200 bg-white" />
      <span className="sr-only">Loading the deployment trend…</span>
    </section>
  );
}
