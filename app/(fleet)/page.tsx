import Link from "next/link";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { Suspense } from "react";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, type Column } from "@/components/ui/table";
import { readFleetView } from "@/lib/fleet/fleet-matrix-query";
import { getFleetOverview, type DegradedApplication, type EnvironmentSummary } from "@/lib/fleet/get-fleet-overview";
import { FLEET_ROW_INDEX_MAX_AGE_MS, listFleetMatrix } from "@/lib/fleet/list-fleet-matrix";
import { FleetHeadline } from "./_components/fleet-headline";
import { FleetLiveUpdates } from "./_components/fleet-live-updates";
import { FleetMatrixView } from "./_components/fleet-matrix";
import { FleetTrends } from "./_components/fleet-trends";
import { FleetTrendsSkeleton } from "./_components/fleet-trends-skeleton";

/** Rows per window of the matrix: about three screens, so scrolling rarely waits (≈ 20 KB of JSON). */
const MATRIX_PAGE_SIZE = 30;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function FleetPage({ searchParams }: Props) {
  // Rendered per request: the fleet changes constantly, and `next build` has no database.
  await connection();
  await requirePageViewer();
  const reading = readFleetView(await searchParams);
  const [fleet, firstPage] = await Promise.all([
    getFleetOverview(),
    listFleetMatrix({ ...reading.view, offset: 0, limit: MATRIX_PAGE_SIZE }, undefined, { rowIndexMaxAgeMs: FLEET_ROW_INDEX_MAX_AGE_MS }),
  ]);
  const now = fleet.asOf;

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Fleet</h1>
        <div className="mt-1 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
          <p className="text-sm text-zinc-600">Health, sync and versions of every Argo CD application right now, and how often the fleet ships.</p>
          <FleetLiveUpdates />
        </div>
      </div>

      <FleetHeadline fleet={fleet} />

      {fleet.applications === 0 ? (
        <EmptyState title="No applications yet">
          Send Argo CD events or run <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-zinc-900">npm run seed</code>.
        </EmptyState>
      ) : (
        <>
          {reading.ok ? null : (
            <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
              <p className="font-semibold">This link asks for a view Shiplog does not have:</p>
              <ul className="mt-1 list-disc pl-5">
                {reading.problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
              <p className="mt-1">
                Showing the default for {reading.problems.length === 1 ? "it" : "them"} instead.{" "}
                <Link href="/" className="font-medium underline">
                  Reset the view
                </Link>
              </p>
            </div>
          )}

          <FleetMatrixView view={reading.view} firstPage={firstPage} pageSize={MATRIX_PAGE_SIZE} />

          <Suspense fallback={<FleetTrendsSkeleton />}>
            <FleetTrends />
          </Suspense>

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
                <Count key="applications" value={fleet.applications} />,
                <Count key="healthy" value={sumOf(fleet.environments, "healthy")} />,
                <Count key="degraded" value={fleet.degraded} tone="bad" />,
                <Count key="progressing" value={sumOf(fleet.environments, "progressing")} tone="info" />,
                <Count key="out-of-sync" value={fleet.outOfSync} tone="warn" />,
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
