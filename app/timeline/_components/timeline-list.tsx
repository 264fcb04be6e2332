"use client";

import Link from "next/link";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { deploymentDuration } from "@/lib/deployments/deployment-duration";
import type { TimelinePage, TimelineRollout } from "@/lib/deployments/timeline-deployment";
import { groupTimelineRollouts, rolloutKey } from "@/lib/rollouts/group-timeline-rollouts";
import { hasTimelineFilters, timelineSearchParams, type TimelineFilters } from "@/lib/deployments/timeline-filters";
import { DeploymentRow, RolloutRow } from "./timeline-rows";
import { useDeploymentStream } from "@/components/live/use-deployment-stream";
import { useTimeline } from "./use-timeline";
import { TableHeader } from "@/components/ui/table-header";

/** Service, Environment, Cluster, Version, Status, Deployed by, Started, Duration. */
const TIMELINE_COLUMN_WIDTHS = ["19%", "9%", "17%", "11%", "11%", "13%", "11%", "9%"] as const;

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

  // Rows added above the one being read (live updates) must not push it down. The row nearest the
  // top of the window is remembered on every scroll and after every render, and the window is
  // scrolled by however far a render moved it (the browser's own scroll anchoring is off for the
  // table: it did not hold the row in place here).
  const body = useRef<HTMLTableSectionElement>(null);
  const anchor = useRef<{ key: string; top: number } | null>(null);
  useEffect(() => {
    const remember = () => (anchor.current = rowNearestTop(body.current));
    remember();
    window.addEventListener("scroll", remember, { passive: true });
    return () => window.removeEventListener("scroll", remember);
  }, []);
  useLayoutEffect(() => {
    const held = anchor.current;
    if (held && window.scrollY > 0) {
      const row = body.current?.querySelector<HTMLElement>(`tr[data-row-key="${CSS.escape(held.key)}"]`);
      const moved = row ? row.getBoundingClientRect().top - held.top : 0;
      if (moved !== 0) window.scrollBy(0, moved);
    }
    anchor.current = rowNearestTop(body.current);
  });

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
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs [overflow-anchor:none]">
        {/* Fixed column widths: a row added live (a longer name, a new deployer) must not re-flow the
            columns and re-wrap the rows below it, or the row being read jumps. */}
        <table className="min-w-full table-fixed divide-y divide-zinc-200 text-sm">
          <caption className="sr-only">Deployments, newest first</caption>
          <colgroup>
            {TIMELINE_COLUMN_WIDTHS.map((width, index) => (
              <col key={index} style={{ width }} />
            ))}
          </colgroup>
          <TableHeader columns={["Service", "Environment", "Cluster", "Version", "Status", "Deployed by", "Started", { label: "Duration", align: "right" }]} />
          <tbody ref={body} className="divide-y divide-zinc-100">
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

/** The first row whose top is in the window, and where it is. */
function rowNearestTop(body: HTMLTableSectionElement | null): { key: string; top: number } | null {
  for (const row of body?.querySelectorAll<HTMLElement>("tr[data-row-key]") ?? []) {
    const top = row.getBoundingClientRect().top;
    if (top >= 0) return { key: row.dataset.rowKey!, top };
  }
  return null;
}
