"use client";

import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { deploymentDuration } from "@/lib/deployments/deployment-duration";
import type { TimelinePage, TimelineRollout } from "@/lib/deployments/timeline-deployment";
import { groupTimelineRollouts, rolloutKey } from "@/lib/rollouts/group-timeline-rollouts";
import { hasTimelineFilters, timelineSearchParams, type TimelineFilters } from "@/lib/deployments/timeline-filters";
import { DeploymentRow, RolloutRow } from "./timeline-rows";
import { useDeploymentStream } from "@/components/live/use-deployment-stream";
import { useTimeline } from "./use-timeline";
import { TableHeader } from "@/components/ui/table-header";

const streamLabels = { connecting: "Connecting…", live: "Live", polling: "Live updates every 10 s" } as const;

/** The timeline itself: rows and rollouts, "load more" (button, and on scrolling near the end), live updates. */
export function TimelineList({ filters, initialPage }: { filters: TimelineFilters; initialPage: TimelinePage }) {
  const query = timelineSearchParams(filters).toString();
  const timeline = useTimeline(query, initialPage);
  const stream = useDeploymentStream(timeline.refreshHead);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  const pages = timeline.data.pages;
  const items = useMemo(() => {
    // A row can sit on two loaded pages when live updates pushed it across a boundary.
    const seen = new Set<number>();
    return pages.flatMap((page) => page.items).filter((item) => !seen.has(item.id) && seen.add(item.id));
  }, [pages]);
  const rollouts = useMemo(() => {
    // Every page answers the counts of its rollouts; the first page's are the freshest (live updates replace them).
    const byKey = new Map<string, TimelineRollout>();
    for (const page of [...pages].reverse()) for (const rollout of page.rollouts) byKey.set(rolloutKey(rollout.release.id, rollout.environment), rollout);
    return byKey;
  }, [pages]);
  const entries = useMemo(() => groupTimelineRollouts(items, rollouts), [items, rollouts]);

  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isFetchNextPageError } = timeline;
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !hasNextPage || isFetchNextPageError) return;
    const observer = new IntersectionObserver(
      (observed) => {
        // Only once the reader has scrolled: a short first page must not load page after page by itself.
        if (observed.some((entry) => entry.isIntersecting) && window.scrollY > 0 && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: "400px" },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, isFetchNextPageError]);

  const toggle = (key: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  const header = (
    <div className="flex items-center justify-between text-sm text-zinc-600">
      <p aria-live="polite">
        {items.length === 0 ? "No deployments" : `${items.length} deployment${items.length === 1 ? "" : "s"} loaded`}
        {timeline.newIds.size > 0 ? `, ${timeline.newIds.size} new since you opened the page` : ""}
      </p>
      <p className="flex items-center gap-1.5" data-stream-state={stream}>
        <span aria-hidden="true" className={`inline-block size-2 rounded-full ${stream === "live" ? "bg-emerald-600" : stream === "polling" ? "bg-amber-500" : "bg-zinc-400"}`} />
        {streamLabels[stream]}
      </p>
    </div>
  );

  if (items.length === 0) {
    return (
      <div className="space-y-3">
        {header}
        <EmptyState title={hasTimelineFilters(filters) ? "No deployments match these filters" : "No deployments yet"}>
          {hasTimelineFilters(filters) ? (
            <Link href="/timeline" className="font-medium text-zinc-900 underline">
              Clear filters
            </Link>
          ) : (
            "Deployments appear here as Argo CD reports them."
          )}
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="space-y-3">
      {header}
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
        <table className="min-w-full divide-y divide-zinc-200 text-sm">
          <caption className="sr-only">Deployments, newest first</caption>
          <TableHeader columns={["Service", "Environment", "Cluster", "Version", "Status", "Deployed by", "Started", { label: "Duration", align: "right" }]} />
          <tbody className="divide-y divide-zinc-100">
            {entries.map((entry) =>
              entry.kind === "deployment" ? (
                <DeploymentRow key={entry.deployment.id} deployment={entry.deployment} isNew={timeline.newIds.has(entry.deployment.id)} duration={deploymentDuration(entry.deployment.startedAt, entry.deployment.finishedAt)} />
              ) : (
                <RolloutRow
                  key={entry.key}
                  rollout={entry}
                  expanded={expanded.has(entry.key)}
                  onToggle={() => toggle(entry.key)}
                  newIds={timeline.newIds}
                />
              ),
            )}
          </tbody>
        </table>
      </div>
      <div ref={sentinel} className="flex flex-col items-center gap-2 py-2">
        {timeline.isFetchNextPageError ? (
          <p role="alert" className="text-sm text-red-800">
            Could not load more deployments: {timeline.error?.message}
          </p>
        ) : null}
        {hasNextPage ? (
          <button
            type="button"
            onClick={() => void fetchNextPage()}
            disabled={isFetchingNextPage}
            className="rounded-md border border-zinc-300 bg-white px-4 py-1.5 text-sm font-medium text-zinc-900 hover:bg-zinc-100 disabled:text-zinc-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-700"
          >
            {isFetchingNextPage ? "Loading…" : timeline.isFetchNextPageError ? "Try again" : "Load more"}
          </button>
        ) : (
          <p className="text-sm text-zinc-600">That is every deployment matching these filters.</p>
        )}
      </div>
    </div>
  );
}
