// What stands behind the chosen number: the production deployments (or only the failures), the
// commits with their lead time, or the incidents with their time to restore; with links into the
// timeline, the releases and the commits.
import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { DeploymentStatusBadge } from "@/components/ui/deployment-badges";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, type Column } from "@/components/ui/table";
import { formatDuration } from "@/lib/metrics/format-dora";
import { type DoraDeployment, listDoraDeployments } from "@/lib/metrics/list-dora-deployments";
import { type DoraIncident, listDoraIncidents } from "@/lib/metrics/list-dora-incidents";
import { type LeadTimeCommit, listLeadTimeCommits } from "@/lib/metrics/list-lead-time-commits";
import type { DoraRequest } from "@/lib/metrics/resolve-dora-request";
import { DeploymentStatus } from "@/lib/generated/prisma/enums";

const LIMIT = 200;

/** The failed deployment's status in the badge every page uses; a status Shiplog does not know shows as it is. */
function StatusCell({ status }: { status: string }) {
  return status in DeploymentStatus ? <DeploymentStatusBadge status={status as DeploymentStatus} /> : <Badge>{status}</Badge>;
}

export type Drilldown = "deployments" | "failures" | "lead-time" | "restore";

export async function DoraDrilldown({ drill, request, productionEnvironments }: { drill: Drilldown; request: DoraRequest; productionEnvironments: string[] }) {
  const timelineLinks = timelineHrefs(request, productionEnvironments, drill === "failures" ? request.definitions.failureStatuses : [null]);
  if (drill === "deployments" || drill === "failures") {
    const list = await listDoraDeployments(request, { failedOnly: drill === "failures", limit: LIMIT });
    return (
      <Section
        title={drill === "failures" ? "Failed production deployments" : "Production deployments"}
        summary={`${list.total} ${drill === "failures" ? "deployments counted as failures" : "production deployments"} in the window${cut(list.total, list.items.length)}.`}
        links={timelineLinks}
      >
        {list.items.length === 0 ? (
          <EmptyState title={drill === "failures" ? "No failed production deployments" : "No production deployments"}>Nothing in this window and scope.</EmptyState>
        ) : (
          <Table caption={drill === "failures" ? "Failed production deployments" : "Production deployments"} columns={deploymentColumns} rows={list.items} rowKey={(row) => row.id} />
        )}
      </Section>
    );
  }
  if (drill === "lead-time") {
    const list = await listLeadTimeCommits(request, { limit: LIMIT });
    const start = request.definitions.leadTimeStart === "merge" ? "merge of its pull request (commit time without one)" : "commit time";
    return (
      <Section title="Commits that reached production" summary={`${list.total} commits, the median and mean are taken over all of them; lead time from ${start} to their release's first succeeded production sync${cut(list.total, list.items.length)}.`} links={[]}>
        {list.items.length === 0 ? (
          <EmptyState title="No commits reached production">No release with known commits reached production in this window.</EmptyState>
        ) : (
          <Table caption="Commits that reached production, with their lead time" columns={commitColumns} rows={list.items} rowKey={(row) => `${row.sha}-${row.releaseId}`} />
        )}
      </Section>
    );
  }
  const list = await listDoraIncidents(request, { limit: LIMIT });
  return (
    <Section
      title="Incidents"
      summary={`${list.total} incidents started in the window, ${list.restored} restored (the median and mean are taken over those; open ones do not count)${cut(list.total, list.items.length)}.`}
      links={timelineLinks}
    >
      {list.items.length === 0 ? (
        <EmptyState title="No incidents">No production deployment failed in this window.</EmptyState>
      ) : (
        <Table caption="Incidents: failed deployment, restoring deployment, time to restore" columns={incidentColumns} rows={list.items} rowKey={(row) => row.failedDeploymentId} />
      )}
    </Section>
  );
}

function Section({ title, summary, links, children }: { title: string; summary: string; links: { href: string; label: string }[]; children: ReactNode }) {
  return (
    <div className="space-y-3">
      <div>
        <h3 className="text-base font-semibold text-zinc-950">{title}</h3>
        <p className="text-sm text-zinc-600" data-drilldown-summary>
          {summary}
        </p>
        {links.length > 0 ? (
          <p className="mt-1 flex flex-wrap gap-x-4 text-sm">
            {links.map((link) => (
              <Link key={link.href} href={link.href} className="font-medium text-blue-700 hover:underline">
                {link.label}
              </Link>
            ))}
          </p>
        ) : null}
      </div>
      {children}
    </div>
  );
}

const cut = (total: number, shown: number) => (shown < total ? `; the newest ${shown} are listed` : "");

/** One timeline link per production environment (and failure status): its filters take one value each. */
function timelineHrefs(request: DoraRequest, environments: string[], statuses: (string | null)[]) {
  const links: { href: string; label: string }[] = [];
  for (const environment of environments) {
    for (const status of statuses) {
      const params = new URLSearchParams();
      if (request.scope.service) params.set("service", request.scope.service);
      if (request.scope.team) params.set("team", request.scope.team);
      params.set("environment", environment);
      if (status) params.set("status", status);
      params.set("from", request.window.from.toISOString());
      params.set("to", request.window.to.toISOString());
      links.push({ href: `/timeline?${params}`, label: `Timeline: ${environment}${status ? ` · ${status.toLowerCase().replace("_", " ")}` : ""}` });
    }
  }
  return links;
}

const deploymentColumns: Column<DoraDeployment>[] = [
  { header: "Started", cell: (row) => <RelativeTime date={row.startedAt} /> },
  { header: "Service", cell: (row) => <Link href={`/services/${encodeURIComponent(row.service)}`} className="font-medium text-blue-700 hover:underline">{row.service}</Link> },
  { header: "Environment", cell: (row) => row.environment },
  { header: "Cluster", cell: (row) => row.cluster },
  { header: "Release", cell: (row) => (row.releaseId !== null ? <Link href={`/releases/${row.releaseId}`} className="text-blue-700 hover:underline">{row.release}</Link> : "—") },
  { header: "Status", cell: (row) => <StatusCell status={row.status} /> },
  { header: "Counts as failure", cell: (row) => (row.isFailure ? "yes" : "no") },
];

const commitColumns: Column<LeadTimeCommit>[] = [
  { header: "Commit", cell: (row) => <Link href={`/commits/${row.sha}`} className="font-mono text-blue-700 hover:underline">{row.sha.slice(0, 7)}</Link> },
  { header: "Message", cell: (row) => <span className="block max-w-xs truncate" title={row.message}>{row.message}</span> },
  { header: "Service", cell: (row) => row.service },
  { header: "Release", cell: (row) => <Link href={`/releases/${row.releaseId}`} className="text-blue-700 hover:underline">{row.release}</Link> },
  { header: "Committed", cell: (row) => <RelativeTime date={row.committedAt} /> },
  { header: "Lead time from", cell: (row) => <RelativeTime date={row.startedAt} /> },
  { header: "In production", cell: (row) => <RelativeTime date={row.reachedProductionAt} /> },
  { header: "Lead time", align: "right", cell: (row) => formatDuration(row.leadTimeSeconds) },
];

const incidentColumns: Column<DoraIncident>[] = [
  { header: "Failed", cell: (row) => <RelativeTime date={row.failedAt} /> },
  { header: "Service", cell: (row) => row.service },
  { header: "Environment", cell: (row) => row.environment },
  { header: "Cluster", cell: (row) => row.cluster },
  { header: "Failure", cell: (row) => <StatusCell status={row.status} /> },
  { header: "Restored", cell: (row) => (row.restoredAt ? <RelativeTime date={row.restoredAt} /> : <Badge tone="bad">Open</Badge>) },
  { header: "Restored by", cell: (row) => (row.restoredBy === "rollback" ? "rolling back" : row.restoredBy === "roll-forward" ? "rolling forward" : "—") },
  { header: "Time to restore", align: "right", cell: (row) => formatDuration(row.restoreSeconds) },
];
