import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatCard } from "@/components/ui/stat-card";
import { Table, type Column } from "@/components/ui/table";
import type { RolloutEnvironment, RolloutWave } from "@/lib/rollouts/build-rollout-view";
import type { RolloutCounts } from "@/lib/rollouts/rollout-counts";

/** The headline counts of a rollout, then per environment a table of its waves (clusters), region by region. */
export function RolloutEnvironments({ counts, environments, now, showReached }: { counts: RolloutCounts; environments: RolloutEnvironment[]; now: Date; showReached: boolean }) {
  return (
    <div className="space-y-8">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <StatCard label="Applications" value={counts.applications} hint={`on ${counts.clusters} cluster${counts.clusters === 1 ? "" : "s"}`} />
        <StatCard label="Running it" value={counts.running} />
        <StatCard label="Healthy" value={counts.healthy} />
        <StatCard label="Degraded" value={counts.degraded + counts.failed} tone="bad" hint={counts.failed > 0 ? `${counts.failed} of them failed to sync` : undefined} />
        <StatCard label="Progressing" value={counts.progressing} tone="warn" />
        <StatCard label="Not yet reached" value={counts.notYetReached} hint={counts.movedOn > 0 ? `${counts.movedOn} moved on` : undefined} />
      </dl>
      {environments.length === 0 ? (
        <EmptyState title="No applications in scope">Nothing in the fleet runs this, or could.</EmptyState>
      ) : (
        environments.map((environment) => <EnvironmentWaves key={environment.name} environment={environment} now={now} showReached={showReached} />)
      )}
    </div>
  );
}

function EnvironmentWaves({ environment, now, showReached }: { environment: RolloutEnvironment; now: Date; showReached: boolean }) {
  const waves = environment.regions.flatMap((region) => region.waves.map((wave, index) => ({ ...wave, firstOfRegion: index === 0, regionCounts: region.counts })));
  const columns: Column<(typeof waves)[number]>[] = [
    {
      header: "Region",
      cell: (wave) =>
        wave.firstOfRegion ? (
          <span>
            <span className="font-medium">{wave.region ?? "no region"}</span>
            <span className="block text-xs text-zinc-600">
              {wave.regionCounts.running} of {wave.regionCounts.applications} running it
            </span>
          </span>
        ) : null,
    },
    { header: "Cluster (wave)", cell: (wave) => <WaveCell wave={wave} /> },
    ...(showReached
      ? [{ header: "Reached", cell: (wave: RolloutWave) => (wave.firstReachedAt ? <RelativeTime date={wave.firstReachedAt} now={now} /> : <Badge>not yet</Badge>) }]
      : []),
    { header: "Applications", align: "right", cell: (wave) => <Count value={wave.counts.applications} /> },
    { header: "Healthy", align: "right", cell: (wave) => <Count value={wave.counts.healthy} /> },
    { header: "Degraded", align: "right", cell: (wave) => <Count value={wave.counts.degraded} className="text-red-700" /> },
    { header: "Progressing", align: "right", cell: (wave) => <Count value={wave.counts.progressing} className="text-amber-700" /> },
    { header: "Failed", align: "right", cell: (wave) => <Count value={wave.counts.failed} className="text-red-700" /> },
    { header: "Moved on", align: "right", cell: (wave) => <Count value={wave.counts.movedOn} /> },
    { header: "Not yet", align: "right", cell: (wave) => <Count value={wave.counts.notYetReached} /> },
  ];
  const totals = environment.counts;
  const headingId = `rollout-environment-${environment.name}`;
  return (
    <section aria-labelledby={headingId} className="space-y-2" data-rollout-environment={environment.name}>
      <h2 id={headingId} className="flex flex-wrap items-baseline gap-x-3 text-lg font-semibold text-zinc-950">
        {environment.name}
        <span className="text-sm font-normal text-zinc-600">
          {totals.running} of {totals.applications} applications running it on {totals.clusters} cluster{totals.clusters === 1 ? "" : "s"}
          {totals.degraded + totals.failed > 0 ? ` · ${totals.degraded + totals.failed} degraded or failed` : ""}
        </span>
      </h2>
      <Table
        caption={`Rollout in ${environment.name}, per region and cluster`}
        columns={columns}
        rows={waves}
        rowKey={(wave) => `${wave.region ?? ""}/${wave.cluster}`}
        footer={[
          "Total",
          `${totals.clusters} cluster${totals.clusters === 1 ? "" : "s"}`,
          ...(showReached ? [""] : []),
          totals.applications,
          totals.healthy,
          totals.degraded,
          totals.progressing,
          totals.failed,
          totals.movedOn,
          totals.notYetReached,
        ]}
      />
    </section>
  );
}

/** The cluster's name over a bar of its applications: healthy, degraded or failed, progressing, the rest. */
function WaveCell({ wave }: { wave: RolloutWave }) {
  const { counts } = wave;
  const parts = [
    { value: counts.healthy, className: "bg-emerald-600" },
    { value: counts.degraded + counts.failed, className: "bg-red-600" },
    { value: counts.progressing, className: "bg-amber-500" },
    { value: counts.movedOn + counts.notYetReached, className: "bg-zinc-200" },
  ];
  return (
    <span className="block min-w-36">
      <span className="font-medium">{wave.cluster}</span>
      <span className="mt-1 flex h-1.5 w-full overflow-hidden rounded-full bg-zinc-100" aria-hidden="true">
        {parts.map((part, index) => (part.value > 0 ? <span key={index} className={part.className} style={{ flexGrow: part.value }} /> : null))}
      </span>
    </span>
  );
}

function Count({ value, className = "" }: { value: number; className?: string }) {
  return value === 0 ? <span className="text-zinc-500">0</span> : <span className={className}>{value}</span>;
}
