"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { DeploymentStatusBadge } from "@/components/ui/deployment-badges";
import { RelativeTime } from "@/components/ui/relative-time";
import { type DeploymentPageJson, useServiceDeployments } from "./use-service-deployments";
import { TableHeader } from "@/components/ui/table-header";

/** The service's deployments, newest first, with keyset "load more". */
export function DeploymentHistory({ service, initialPage }: { service: string; initialPage: DeploymentPageJson }) {
  const { data, fetchNextPage, hasNextPage, isFetchingNextPage, error } = useServiceDeployments(service, initialPage);
  const rows = data.pages.flatMap((page) => page.items);
  if (rows.length === 0) return <p className="text-sm text-zinc-600">{service} has not been deployed yet.</p>;

  const headers = ["Started", "Environment", "Cluster", "Version", "Status", "Deployed by"];
  return (
    <div className="space-y-3">
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
        <table className="min-w-full divide-y divide-zinc-200 text-sm">
          <caption className="sr-only">{`Deployments of ${service}, newest first`}</caption>
          <TableHeader columns={headers} />
          <tbody className="divide-y divide-zinc-100">
            {rows.map((deployment) => (
              <tr key={deployment.id} className="hover:bg-zinc-50">
                <td className="px-3 py-2.5 text-zinc-900">
                  <RelativeTime date={deployment.startedAt} />
                </td>
                <td className="px-3 py-2.5 text-zinc-900">{deployment.environment}</td>
                <td className="px-3 py-2.5 text-zinc-900">{deployment.cluster}</td>
                <td className="px-3 py-2.5">
                  {deployment.release ? (
                    <Link href={`/releases/${deployment.release.id}`} className="font-mono text-xs text-sky-800 underline">
                      {deployment.release.version}
                    </Link>
                  ) : (
                    <span className="text-zinc-600">unknown</span>
                  )}
                </td>
                <td className="px-3 py-2.5">
                  <span className="flex items-center gap-1">
                    <DeploymentStatusBadge status={deployment.status} />
                    {deployment.isRollback ? <Badge tone="warn">rollback</Badge> : null}
                  </span>
                </td>
                <td className="px-3 py-2.5 text-zinc-900">
                  {deployment.initiatedBy ?? <span className="text-zinc-600">{deployment.automated ? "automated sync" : "unknown"}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="flex items-center gap-3 text-sm">
        {hasNextPage ? (
          <button
            type="button"
            onClick={() => void fetchNextPage()}
            disabled={isFetchingNextPage}
            className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 font-medium text-zinc-900 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 disabled:opacity-60"
          >
            {isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        ) : (
          <p className="text-zinc-600">That is every deployment of {service}.</p>
        )}
        <p className="text-zinc-600" aria-live="polite">
          {rows.length} shown
        </p>
        {error ? (
          <p role="alert" className="text-red-800">
            More deployments could not be loaded: {error.message}
          </p>
        ) : null}
      </div>
    </div>
  );
}
