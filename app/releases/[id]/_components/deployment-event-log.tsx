"use client";

import { useQueries } from "@tanstack/react-query";
import { useId, useState } from "react";
import { DeploymentStatusBadge } from "@/components/ui/deployment-badges";
import { RelativeTime } from "@/components/ui/relative-time";
import type { DeploymentStatus } from "@/lib/generated/prisma/enums";

type DeploymentRef = { id: number; status: DeploymentStatus; startedAt: string };
type DeploymentEvents = { events: { at: string; kind: string; detail: string | null }[]; message: string | null; initiatedBy: string | null };

async function fetchDeployment(id: number): Promise<DeploymentEvents> {
  const response = await fetch(`/api/v1/deployments/${id}`);
  if (!response.ok) throw new Error(`GET /api/v1/deployments/${id} answered ${response.status}`);
  return (await response.json()) as DeploymentEvents;
}

/**
 * The phase log of an application's deployments of this release, fetched when first opened:
 * the page stays one bounded read however many clusters the release reached.
 */
export function DeploymentEventLog({ application, deployments }: { application: string; deployments: DeploymentRef[] }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const newestFirst = [...deployments].reverse();
  const queries = useQueries({
    queries: newestFirst.map((deployment) => ({ queryKey: ["deployment", deployment.id], queryFn: () => fetchDeployment(deployment.id), enabled: open })),
  });

  return (
    <div className="min-w-40">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        className="rounded text-sm font-medium whitespace-nowrap text-sky-800 underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-800"
      >
        {open ? "Hide events" : `Show events${deployments.length > 1 ? ` (${deployments.length} deployments)` : ""}`}
        <span className="sr-only"> of {application}</span>
      </button>
      {open ? (
        <div id={panelId} className="mt-2 w-96 max-w-[28rem] space-y-3 whitespace-normal">
          {newestFirst.map((deployment, index) => {
            const query = queries[index]!;
            return (
              <div key={deployment.id} className="rounded border border-zinc-200 bg-zinc-50 px-3 py-2">
                <p className="flex flex-wrap items-center gap-2 text-xs text-zinc-700">
                  <span className="font-medium">Deployment {deployment.id}</span>
                  <DeploymentStatusBadge status={deployment.status} />
                  <RelativeTime date={deployment.startedAt} />
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
                      <li key={`${event.kind}-${event.at}`} className="flex gap-2">
                        <span className="text-zinc-600">
                          <RelativeTime date={event.at} />
                        </span>
                        <span className="font-medium">{event.kind}</span>
                        {event.detail ? <span className="text-zinc-700">{event.detail}</span> : null}
                      </li>
                    ))}
                  </ol>
                )}
              </div>
            );
          })}
        </div>
      ) : null}
    </div>
  );
}
