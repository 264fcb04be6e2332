"use client";

import { useQueries } from "@tanstack/react-query";
import { type ReactNode, useId, useState } from "react";
import { DeploymentStatusBadge } from "@/components/ui/deployment-badges";
import { RelativeTime } from "@/components/ui/relative-time";
import type { DeploymentStatus } from "@/lib/generated/prisma/enums";

type DeploymentRef = { id: number; status: DeploymentStatus; startedAt: string };
type DeploymentEvents = { events: { at: string; kind: string; detail: string | null }[] };

async function fetchDeployment(id: number): Promise<DeploymentEvents> {
  const response = await fetch(`/api/v1/deployments/${id}`, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`GET /api/v1/deployments/${id} answered ${response.status}`);
  return (await response.json()) as DeploymentEvents;
}

/** "+0 s", "+45 s", "+3 min 5 s": how long after the deployment started an event came. */
function sinceStart(at: string, startedAt: string): string {
  const seconds = Math.max(0, Math.round((new Date(at).getTime() - new Date(startedAt).getTime()) / 1000));
  if (seconds < 60) return `+${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `+${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ""}`;
  return `+${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * One application's row of the rollout table, with its deployments' phase logs below it on
 * demand. The logs are fetched when first opened, so the page stays one bounded read however
 * many clusters the release reached. `cells` are the row's other cells, rendered on the server.
 */
export function RolloutRow({ cells, columns, application, deployments }: { cells: ReactNode; columns: number; application: string; deployments: DeploymentRef[] }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const newestFirst = [...deployments].reverse();
  const queries = useQueries({
    queries: newestFirst.map((deployment) => ({ queryKey: ["deployment", deployment.id], queryFn: () => fetchDeployment(deployment.id), enabled: open })),
  });

  return (
    <>
      <tr className="hover:bg-zinc-50">
        {cells}
        <td className="px-3 py-2.5">
          {deployments.length === 0 ? (
            <span className="text-zinc-600">—</span>
          ) : (
            <button
              type="button"
              aria-expanded={open}
              aria-controls={panelId}
              onClick={() => setOpen((value) => !value)}
              className="relative rounded text-sm font-medium text-sky-800 underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-800"
            >
              {open ? "Hide events" : `Show events${deployments.length > 1 ? ` (${deployments.length})` : ""}`}
              <span className="sr-only"> of {application}</span>
            </button>
          )}
        </td>
      </tr>
      {open ? (
        <tr id={panelId} className="bg-zinc-50">
          <td colSpan={columns} className="px-3 py-3">
            <div className="space-y-3">
              {newestFirst.map((deployment, index) => {
                const query = queries[index]!;
                return (
                  <div key={deployment.id}>
                    <p className="flex flex-wrap items-center gap-2 text-xs text-zinc-700">
                      <span className="font-medium">Deployment {deployment.id}</span>
                      <DeploymentStatusBadge status={deployment.status} />
                      <span>
                        started <RelativeTime date={deployment.startedAt} />
                      </span>
                    </p>
                    {query.isPending ? (
                      <p className="mt-1 text-xs text-zinc-600" role="status">
                        Loading events…
                      </p>
                    ) : query.isError ? (
                      <p className="mt-1 text-xs text-red-800" role="alert">
                        The events could not be loaded.
                      </p>
                    ) : query.data.events.length === 0 ? (
                      <p className="mt-1 text-xs text-zinc-600">No events recorded.</p>
                    ) : (
                      <ol aria-label={`Events of deployment ${deployment.id}`} className="mt-1 space-y-0.5 text-xs text-zinc-900">
                        {query.data.events.map((event) => (
                          <li key={`${event.kind}-${event.at}`} className="grid grid-cols-[5rem_9rem_1fr] gap-2">
                            <time dateTime={event.at} className="text-zinc-600 tabular-nums">
                              {sinceStart(event.at, deployment.startedAt)}
                            </time>
                            <span className="font-medium">{event.kind}</span>
                            <span className="text-zinc-700">{event.detail ?? ""}</span>
                          </li>
                        ))}
                      </ol>
                    )}
                  </div>
                );
              })}
            </div>
          </td>
        </tr>
      ) : null}
    </>
  );
}
