import { connection } from "next/server";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatCard } from "@/components/ui/stat-card";
import { Table, type Column } from "@/components/ui/table";
import { getFleetOverview, type DegradedApplication, type EnvironmentSummary } from "@/lib/fleet/get-fleet-overview";

export default async function FleetPage() {
  // Rendered per request: the fleet changes constantly, and `next build` has no database.
  await connection();
  const fleet = await getFleetOverview();
  const now = fleet.asOf;

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Fleet</h1>
        <p className="mt-1 text-sm text-zinc-600">
          Health and sync of every Argo CD application right now, and how often the fleet ships.
        </p>
      </div>

      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7">
        <StatCard label="Applications" value={fleet.applications} />
        <StatCard label="Services" value={fleet.services} />
        <StatCard label="Teams" value={fleet.teams} />
        <StatCard label="Degraded" value={fleet.degraded} tone="bad" hint="applications now" />
        <StatCard label="Out of sync" value={fleet.outOfSync} tone="warn" hint="applications now" />
        <StatCard label="Deployments" value={fleet.deploymentsLast24h} hint="last 24 hours" />
        <StatCard label="Deployments" value={fleet.deploymentsLast7d} hint="last 7 days" />
      </dl>

      {fleet.applications === 0 ? (
        <EmptyState title="No applications yet">
          Send Argo CD events or run <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-zinc-900">npm run seed</code>.
        </EmptyState>
      ) : (
        <>
          <section aria-labelledby="by-environment" className="space-y-3">
            <h2 id="by-environment" className="text-lg font-semibold text-zinc-950">
              By environment
            </h2>
            <Table
              caption="Applications by environment: health and sync now"
              columns={environmentColumns}
              rows={fleet.environments}
              rowKey={(environment) => environment.id}
              footer={[
                "All environments",
                <Count value={fleet.applications} />,
                <Count value={sumOf(fleet.environments, "healthy")} />,
                <Count value={fleet.degraded} tone="bad" />,
                <Count value={sumOf(fleet.environments, "progressing")} tone="info" />,
                <Count value={fleet.outOfSync} tone="warn" />,
              ]}
            />
          </section>

          <section aria-labelledby="recently-degraded" className="space-y-3">
            <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
              <h2 id="recently-degraded" className="text-lg font-semibold text-zinc-950">
                Recently degraded
              </h2>
              {fleet.degraded > fleet.recentlyDegraded.length ? (
                <p className="text-sm text-zinc-600">
                  The {fleet.recentlyDegraded.length} most recent of {numberFormat.format(fleet.degraded)}
                </p>
              ) : null}
            </div>
            {fleet.recentlyDegraded.length === 0 ? (
              <p className="rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-700">
                No application is degraded.
              </p>
            ) : (
              <Table
                caption="Degraded applications, most recent first"
                columns={degradedColumns(now)}
                rows={fleet.recentlyDegraded}
                rowKey={(application) => application.id}
              />
            )}
          </section>
        </>
      )}
    </div>
  );
}

function sumOf(environments: EnvironmentSummary[], key: "healthy" | "progressing"): number {
  return environments.reduce((total, environment) => total + environment[key], 0);
}

const numberFormat = new Intl.NumberFormat("en-US");

/** A count; zero is muted so the numbers that matter stand out (zinc-500 still meets 4.5:1 on zinc-50). */
function Count({ value, tone }: { value: number; tone?: "bad" | "warn" | "info" }) {
  if (value === 0) return <span className="text-zinc-500">0</span>;
  const color = tone === "bad" ? "font-semibold text-red-700" : tone === "warn" ? "font-semibold text-amber-700" : tone === "info" ? "text-sky-700" : "";
  return <span className={color}>{numberFormat.format(value)}</span>;
}

function EnvironmentName({ name, isProduction }: { name: string; isProduction: boolean }) {
  return (
    <span className="inline-flex items-center gap-2 font-medium">
      {name}
      {isProduction ? <Badge>production</Badge> : null}
    </span>
  );
}

const environmentColumns: Column<EnvironmentSummary>[] = [
  { header: "Environment", cell: (row) => <EnvironmentName name={row.name} isProduction={row.isProduction} /> },
  { header: "Applications", align: "right", cell: (row) => <Count value={row.applications} /> },
  { header: "Healthy", align: "right", cell: (row) => <Count value={row.healthy} /> },
  { header: "Degraded", align: "right", cell: (row) => <Count value={row.degraded} tone="bad" /> },
  { header: "Progressing", align: "right", cell: (row) => <Count value={row.progressing} tone="info" /> },
  { header: "Out of sync", align: "right", cell: (row) => <Count value={row.outOfSync} tone="warn" /> },
];

function degradedColumns(now: Date): Column<DegradedApplication>[] {
  return [
    { header: "Service", cell: (row) => <span className="font-medium">{row.service}</span> },
    {
      header: "Application",
      cell: (row) => (
        <span className="font-mono text-xs text-zinc-700">
          {row.namespace}/{row.name}
        </span>
      ),
    },
    { header: "Environment", cell: (row) => <EnvironmentName name={row.environment} isProduction={row.isProduction} /> },
    { header: "Cluster", cell: (row) => row.cluster },
    {
      header: "Degraded since",
      cell: (row) =>
        row.degradedSince ? (
          <RelativeTime date={row.degradedSince} now={now} />
        ) : (
          <span className="text-zinc-500" title="No deployment recorded when this application turned degraded">
            unknown
          </span>
        ),
    },
  ];
}
