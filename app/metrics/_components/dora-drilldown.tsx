// What stands behind the chosen number: the production deployments (or only the failures), the
// commits with their lead time, or the incidents with their time to restore; with links into the
// timeline, the releases and the commits. A page of 50 rows at a time (keyset cursors), and on
// request the whole list counted per team or service by the database, each group a link that
// scopes the page to it.
import Link from "next/link";
import type { ReactNode } from "react";
import type { z } from "zod";
import { Badge } from "@/components/ui/badge";
import { DeploymentStatusBadge } from "@/components/ui/deployment-badges";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, type Column } from "@/components/ui/table";
import { doraDeploymentCursor, doraIncidentCursor, leadTimeCommitCursor } from "@/lib/metrics/dora-query";
import { formatDuration } from "@/lib/metrics/format-dora";
import type { DrilldownGrouping, DrilldownGroups } from "@/lib/metrics/list-dora-drilldown-groups";
import { type DoraDeployment, listDoraDeployments } from "@/lib/metrics/list-dora-deployments";
import { type DoraIncident, listDoraIncidents } from "@/lib/metrics/list-dora-incidents";
import { type LeadTimeCommit, listLeadTimeCommits } from "@/lib/metrics/list-lead-time-commits";
import type { DoraRequest } from "@/lib/metrics/resolve-dora-request";
import { DeploymentStatus } from "@/lib/generated/prisma/enums";

/** Rows per page: a screen or two, not 192 rows on one 9,703 px page. */
export const DRILLDOWN_PAGE_SIZE = 50;

/** The failed deployment's status in the badge every page uses; a status Shiplog does not know shows as it is. */
function StatusCell({ status }: { status: string }) {
  return status in DeploymentStatus ? <DeploymentStatusBadge status={status as DeploymentStatus} /> : <Badge>{status}</Badge>;
}

export type Drilldown = "deployments" | "failures" | "lead-time" | "restore";

export type DrilldownPaging = {
  group: DrilldownGrouping | undefined;
  /** The `cursor` query parameter as given; decoded here with this drill-down's key. */
  cursor: string | undefined;
  /** This drill-down's link with other parameters (team/service scope the whole page; group and cursor this list). */
  hrefFor: (changes: { team?: string | null; service?: string | null; group?: string | null; cursor?: string | null }) => string;
};

export async function DoraDrilldown({
  drill,
  request,
  productionEnvironments,
  paging,
}: {
  drill: Drilldown;
  request: DoraRequest;
  productionEnvironments: string[];
  paging: DrilldownPaging;
}) {
  const timelineLinks = timelineHrefs(request, productionEnvironments, drill === "failures" ? request.definitions.failureStatuses : [null]);
  const { group } = paging;
  const limit = DRILLDOWN_PAGE_SIZE;
  if (drill === "deployments" || drill === "failures") {
    const cursor = decodeCursor(doraDeploymentCursor, paging.cursor);
    if (cursor === "invalid") return <BadCursor paging={paging} />;
    const list = await listDoraDeployments(request, { failedOnly: drill === "failures", limit, cursor, group });
    const noun = drill === "failures" ? "deployments counted as failures" : "production deployments";
    return (
      <Section
        title={drill === "failures" ? "Failed production deployments" : "Production deployments"}
        summary={`${list.total} ${noun} in the window.`}
        links={timelineLinks}
        paging={paging}
        groups={list.groups}
        noun={noun}
      >
        {list.items.length === 0 ? (
          <EmptyState title={drill === "failures" ? "No failed production deployments" : "No production deployments"}>Nothing in this window and scope.</EmptyState>
        ) : (
          <Table caption={drill === "failures" ? "Failed production deployments" : "Production deployments"} columns={deploymentColumns} rows={list.items} rowKey={(row) => row.id} />
        )}
        <Pager shown={list.items.length} total={list.total} nextCursor={list.nextCursor} paging={paging} />
      </Section>
    );
  }
  if (drill === "lead-time") {
    const cursor = decodeCursor(leadTimeCommitCursor, paging.cursor);
    if (cursor === "invalid") return <BadCursor paging={paging} />;
    const list = await listLeadTimeCommits(request, { limit, cursor, group });
    const start = request.definitions.leadTimeStart === "merge" ? "merge of its pull request (commit time without one)" : "commit time";
    return (
      <Section
        title="Commits that reached production"
        summary={`${list.total} commits, the median and mean are taken over all of them; lead time from ${start} to their release's first succeeded production sync.`}
        links={[]}
        paging={paging}
        groups={list.groups}
        noun="commits"
      >
        {list.items.length === 0 ? (
          <EmptyState title="No commits reached production">No release with known commits reached production in this window.</EmptyState>
        ) : (
          <Table caption="Commits that reached production, with their lead time" columns={commitColumns} rows={list.items} rowKey={(row) => `${row.sha}-${row.releaseId}`} />
        )}
        <Pager shown={list.items.length} total={list.total} nextCursor={list.nextCursor} paging={paging} />
      </Section>
    );
  }
  const cursor = decodeCursor(doraIncidentCursor, paging.cursor);
  if (cursor === "invalid") return <BadCursor paging={paging} />;
  const list = await listDoraIncidents(request, { limit, cursor, group });
  return (
    <Section
      title="Incidents"
      summary={`${list.total} incidents started in the window, ${list.restored} restored (the median and mean are taken over those; open ones do not count).`}
      links={timelineLinks}
      paging={paging}
      groups={list.groups}
      noun="incidents"
    >
      {list.items.length === 0 ? (
        <EmptyState title="No incidents">No production deployment failed in this window.</EmptyState>
      ) : (
        <Table caption="Incidents: failed deployment, restoring deployment, time to restore" columns={incidentColumns} rows={list.items} rowKey={(row) => row.failedDeploymentId} />
      )}
      <Pager shown={list.items.length} total={list.total} nextCursor={list.nextCursor} paging={paging} />
    </Section>
  );
}

/** The page's cursor decoded with the drill-down's own key; "invalid" for one another list (or a hand) made. */
function decodeCursor<Key>(schema: z.ZodType<Key, string>, cursor: string | undefined): Key | undefined | "invalid" {
  if (cursor === undefined) return undefined;
  const parsed = schema.safeParse(cursor);
  return parsed.success ? parsed.data : "invalid";
}

function BadCursor({ paging }: { paging: DrilldownPaging }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      <p className="font-semibold">This page of the list cannot be shown</p>
      <p className="mt-1">
        cursor: is not a cursor this list made (it belongs to another drill-down, or was edited).{" "}
        <Link href={paging.hrefFor({ cursor: null })} className="font-medium underline">
          Start from the newest
        </Link>
      </p>
    </div>
  );
}

const GROUPINGS = [
  { value: null, label: "Not grouped" },
  { value: "team", label: "By team" },
  { value: "service", label: "By service" },
] as const;

function Section({
  title,
  summary,
  links,
  paging,
  groups,
  noun,
  children,
}: {
  title: string;
  summary: string;
  links: { href: string; label: string }[];
  paging: DrilldownPaging;
  groups: DrilldownGroups;
  noun: string;
  children: ReactNode;
}) {
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
      <nav aria-label="Group the list" className="flex flex-wrap items-center gap-2 text-sm" data-grouping>
        <span className="font-medium text-zinc-700">Group:</span>
        {GROUPINGS.map((option) => {
          const active = (paging.group ?? null) === option.value;
          return (
            <Link
              key={option.label}
              href={paging.hrefFor({ group: option.value, cursor: null })}
              aria-current={active ? "true" : undefined}
              className={`rounded-md px-2 py-1 font-medium ${active ? "bg-zinc-900 text-white" : "text-blue-700 hover:bg-zinc-100"}`}
            >
              {option.label}
            </Link>
          );
        })}
      </nav>
      {groups ? <GroupTable groups={groups} paging={paging} noun={noun} /> : null}
      {children}
    </div>
  );
}

function GroupTable({ groups, paging, noun }: { groups: NonNullable<DrilldownGroups>; paging: DrilldownPaging; noun: string }) {
  const by = groups.by === "team" ? "team" : "service";
  return (
    <div className="space-y-2" data-groups={groups.by}>
      <p className="text-sm text-zinc-600">
        {groups.count} {by === "team" ? (groups.count === 1 ? "team" : "teams") : groups.count === 1 ? "service" : "services"}
        {groups.count > groups.items.length ? `; the ${groups.items.length} with the most ${noun} are listed` : ""}. Choose one to see only its {noun}.
      </p>
      <Table
        caption={`${noun[0]!.toUpperCase()}${noun.slice(1)} per ${by}`}
        columns={[
          {
            header: by === "team" ? "Team" : "Service",
            cell: (row) =>
              row.key === null ? (
                row.name
              ) : (
                <Link href={paging.hrefFor({ [by]: row.key, group: null, cursor: null })} className="font-medium text-blue-700 hover:underline">
                  {row.name}
                </Link>
              ),
          },
          { header: `${noun[0]!.toUpperCase()}${noun.slice(1)}`, align: "right", cell: (row) => row.count },
        ]}
        rows={groups.items}
        rowKey={(row) => row.key ?? ""}
      />
    </div>
  );
}

function Pager({ shown, total, nextCursor, paging }: { shown: number; total: number; nextCursor: string | null; paging: DrilldownPaging }) {
  if (total === 0) return null;
  const first = paging.cursor === undefined;
  return (
    <nav aria-label="Pages of the list" className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-zinc-700" data-pager>
      <span data-pager-status>
        {shown} of {total} on this page{first ? ", the newest first" : ", older than the previous page"}
      </span>
      {!first ? (
        <Link href={paging.hrefFor({ cursor: null })} className="font-medium text-blue-700 hover:underline">
          Newest
        </Link>
      ) : null}
      {nextCursor ? (
        <Link href={paging.hrefFor({ cursor: nextCursor })} rel="next" className="font-medium text-blue-700 hover:underline">
          Next {DRILLDOWN_PAGE_SIZE} older
        </Link>
      ) : null}
    </nav>
  );
}

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
