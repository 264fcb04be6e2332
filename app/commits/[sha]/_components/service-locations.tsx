import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, type Column } from "@/components/ui/table";
import type { ApplicationLocation, ServiceLocation } from "@/lib/trace/find-commit-locations";

/** One service: the first release carrying the commit, and whether each application runs it now. */
export function ServiceLocations({ location, shortSha, now }: { location: ServiceLocation; shortSha: string; now: Date }) {
  const { service, firstRelease } = location;
  // Environments in promotion order (dev → prod), then clusters by name.
  const applications = [...location.applications].sort(
    (a, b) => a.environmentRank - b.environmentRank || a.cluster.localeCompare(b.cluster) || a.name.localeCompare(b.name),
  );
  const running = applications.filter((application) => application.contains).length;
  const headingId = `service-${service.id}-${shortSha}`;

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h3 id={headingId} className="text-base font-semibold text-zinc-950">
          {service.name}
        </h3>
        <p className="text-sm text-zinc-700">
          {firstRelease ? (
            <>
              First in release <span className="font-mono font-medium text-zinc-950">{firstRelease.version}</span>, seen{" "}
              <RelativeTime date={firstRelease.firstSeenAt} now={now} />
              {" · "}
              running in {running} of {applications.length} applications
            </>
          ) : (
            "No release contains it yet"
          )}
        </p>
      </div>
      {applications.length === 0 ? (
        <p className="rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-700">This service has no applications.</p>
      ) : (
        <Table
          caption={`Applications of ${service.name}: do they run ${shortSha}?`}
          columns={columns(now)}
          rows={applications}
          rowKey={(application) => application.id}
        />
      )}
    </section>
  );
}

function columns(now: Date): Column<ApplicationLocation>[] {
  return [
    { header: "Environment", cell: (row) => <span className="font-medium">{row.environment}</span> },
    { header: "Cluster", cell: (row) => row.cluster },
    { header: "Region", cell: (row) => row.region ?? <span className="text-zinc-600">—</span> },
    {
      header: "Running",
      cell: (row) =>
        row.currentRelease ? <span className="font-mono text-xs">{row.currentRelease.version}</span> : <span className="text-zinc-600">unknown</span>,
    },
    {
      header: "Status",
      cell: (row) => (row.contains ? <Badge tone="good">✓ contains</Badge> : <Badge tone="warn">not yet</Badge>),
    },
    {
      header: "Since",
      cell: (row) =>
        row.since ? (
          <RelativeTime date={row.since} now={now} />
        ) : (
          <span className="text-zinc-600">{row.contains ? "unknown" : "—"}</span>
        ),
    },
  ];
}
