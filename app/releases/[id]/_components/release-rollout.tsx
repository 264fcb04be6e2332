import Link from "next/link";
import { ArgoRolloutProgress } from "@/components/argo-rollouts/argo-rollout-progress";
import { Badge } from "@/components/ui/badge";
import { DeploymentStatusBadge, HealthBadge } from "@/components/ui/deployment-badges";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { RollbackButton } from "@/components/rollback/rollback-button";
import type { ReleaseDetail, RolloutEntry } from "@/lib/releases/get-release";
import { RolloutRow } from "./deployment-event-log";
import { TableHeader } from "@/components/ui/table-header";
import { ExternalLink } from "@/components/ui/external-link";
import { releaseRolloutHref } from "@/lib/rollouts/build-rollout-href";

/** Rows shown per environment before the rest fold away behind "show all". */
const ROWS_SHOWN = 40;

/** Where the release runs and how its rollout went: per environment, per cluster. */
/** `canRollback`: the viewer may roll back this service (decided on the server with can()). */
export function ReleaseRollout({ release, now, canRollback = false }: { release: ReleaseDetail; now: Date; canRollback?: boolean }) {
  const environments = groupByEnvironment(release.rollout);
  const reached = release.rollout.filter((entry) => entry.deployments.length > 0).length;
  const running = release.rollout.filter((entry) => entry.current?.id === release.id).length;
  const listed = release.rollout.reduce((sum, entry) => sum + entry.deployments.length, 0);

  return (
    <section aria-labelledby="rollout-heading" className="space-y-4">
      <div>
        <h2 id="rollout-heading" className="text-lg font-semibold text-zinc-950">
          Where it runs and how it rolled out
        </h2>
        <p className="mt-1 text-sm text-zinc-600">
          Deployed to {reached} of {release.rolloutApplicationCount} applications of {release.service.name}; running on {running} now.{" "}
          {release.deploymentCount > 0 ? (
            <>
              <Link href={releaseRolloutHref(release.id)} className="font-medium text-sky-800 underline">
                Rollout per region and wave
              </Link>
              {" · "}
              <Link href={`/timeline?service=${encodeURIComponent(release.service.name)}`} className="font-medium text-sky-800 underline">
                See in timeline
              </Link>
            </>
          ) : null}
        </p>
        {release.rollout.length < release.rolloutApplicationCount || listed < release.deploymentCount ? (
          <p className="mt-1 text-sm text-amber-800">
            Showing {release.rollout.length} of {release.rolloutApplicationCount} applications and {listed} of {release.deploymentCount} deployments.
          </p>
        ) : null}
      </div>
      {environments.length === 0 ? (
        <EmptyState title="No applications">
          <p>{release.service.name} has no applications in Argo CD, so this release has nowhere to run.</p>
        </EmptyState>
      ) : (
        environments.map(({ name, entries }) => (
          <EnvironmentRollout key={name} name={name} entries={entries} releaseId={release.id} now={now} canRollback={canRollback} />
        ))
      )}
    </section>
  );
}

function EnvironmentRollout({ name, entries, releaseId, now, canRollback }: { name: string; entries: RolloutEntry[]; releaseId: number; now: Date; canRollback: boolean }) {
  const reached = entries.filter((entry) => entry.deployments.length > 0).length;
  const failed = entries.filter((entry) => latest(entry)?.status === "FAILED" || latest(entry)?.status === "DEGRADED").length;
  const headingId = `rollout-${name}`;
  const caption = `Rollout of this release in ${name}, per cluster`;
  return (
    <section aria-labelledby={headingId} className="space-y-2">
      <h3 id={headingId} className="flex flex-wrap items-baseline gap-x-3 text-base font-semibold text-zinc-950">
        {name}
        <span className="text-sm font-normal text-zinc-600">
          {reached === entries.length ? "reached every cluster" : reached === 0 ? "not yet deployed" : `reached ${reached} of ${entries.length} clusters`}
          {failed > 0 ? ` · ${failed} failed or degraded` : ""}
        </span>
      </h3>
      <RolloutTable caption={caption} entries={entries.slice(0, ROWS_SHOWN)} releaseId={releaseId} now={now} canRollback={canRollback} />
      {entries.length > ROWS_SHOWN ? (
        <details className="rounded-lg border border-zinc-200 bg-white">
          <summary className="cursor-pointer px-4 py-2 text-sm font-medium text-sky-800">Show the other {entries.length - ROWS_SHOWN} clusters in {name}</summary>
          <RolloutTable caption={`${caption} (continued)`} entries={entries.slice(ROWS_SHOWN)} releaseId={releaseId} now={now} canRollback={canRollback} />
        </details>
      ) : null}
    </section>
  );
}

function RolloutTable({ caption, entries, releaseId, now, canRollback }: { caption: string; entries: RolloutEntry[]; releaseId: number; now: Date; canRollback: boolean }) {
  const headers = ["Cluster and application", "Status", "Started", "Finished", "Healthy", "Running now", "Argo CD", "Event log"];
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
      <table className="min-w-full divide-y divide-zinc-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        <TableHeader columns={headers} />
        <tbody className="divide-y divide-zinc-100">
          {entries.map((entry) => {
            const deployment = latest(entry);
            const dash = <span className="text-zinc-600">—</span>;
            return (
              <RolloutRow
                key={entry.application.id}
                columns={headers.length}
                application={entry.application.name}
                deployments={entry.deployments.map((item) => ({ id: item.id, status: item.status, startedAt: item.startedAt.toISOString() }))}
                cells={
                  <>
                    <td className="px-3 py-2.5 text-zinc-900">
                      <span className="font-medium">{entry.application.cluster}</span>
                      <span className="block text-xs text-zinc-600">
                        {entry.application.region ? `${entry.application.region} · ` : ""}
                        {entry.application.name}
                        {entry.application.deleted ? (
                          <>
                            {" "}
                            <Badge>removed</Badge>
                          </>
                        ) : null}
                      </span>
                    </td>
                    <td className="px-3 py-2.5">
                      {deployment ? (
                        <span className="flex flex-wrap items-center gap-1">
                          <DeploymentStatusBadge status={deployment.status} />
                          {deployment.isRollback ? <Badge tone="warn">rollback</Badge> : null}
                        </span>
                      ) : (
                        <Badge>not yet</Badge>
                      )}
                      <ArgoRolloutProgress rollouts={entry.argoRollouts} />
                    </td>
                    <td className="px-3 py-2.5 text-zinc-900">{deployment ? <RelativeTime date={deployment.startedAt} now={now} /> : dash}</td>
                    <td className="px-3 py-2.5 text-zinc-900">{deployment?.finishedAt ? <RelativeTime date={deployment.finishedAt} now={now} /> : dash}</td>
                    <td className="px-3 py-2.5 text-zinc-900">{deployment?.healthyAt ? <RelativeTime date={deployment.healthyAt} now={now} /> : dash}</td>
                    <td className="px-3 py-2.5 text-zinc-900">
                      {entry.current ? (
                        entry.current.id === releaseId ? (
                          <span className="flex items-center gap-1">
                            <Badge tone="good">this release</Badge>
                            <HealthBadge health={entry.health} />
                            {canRollback && !entry.application.deleted ? (
                              <RollbackButton compact scope={{ kind: "application", applicationId: entry.application.id }} subject={`${entry.application.name} on ${entry.application.cluster}`} />
                            ) : null}
                          </span>
                        ) : (
                          <Link href={`/releases/${entry.current.id}`} className="font-mono text-xs text-sky-800 underline">
                            {entry.current.version}
                          </Link>
                        )
                      ) : (
                        <span className="text-zinc-600">unknown</span>
                      )}
                    </td>
                    <td className="px-3 py-2.5">
                      <ExternalLink
                        href={entry.application.argocdUrl}
                        className="relative text-sky-800 underline"
                        fallback={<span className="text-xs text-zinc-600">{entry.application.argoInstance}</span>}
                      >
                        Open<span className="sr-only"> {entry.application.name} in Argo CD</span>
                      </ExternalLink>
                    </td>
                  </>
                }
              />
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function latest(entry: RolloutEntry) {
  return entry.deployments[entry.deployments.length - 1];
}

function groupByEnvironment(rollout: RolloutEntry[]): { name: string; entries: RolloutEntry[] }[] {
  const groups: { name: string; entries: RolloutEntry[] }[] = [];
  for (const entry of rollout) {
    let group = groups[groups.length - 1];
    if (group?.name !== entry.application.environment) {
      group = { name: entry.application.environment, entries: [] };
      groups.push(group);
    }
    group.entries.push(entry);
  }
  return groups;
}
