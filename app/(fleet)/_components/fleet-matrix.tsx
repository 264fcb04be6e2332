"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type MouseEvent, type ReactNode, useEffect, useMemo, useRef, useState, useTransition } from "react";
import type { FleetView } from "@/lib/fleet/fleet-matrix-query";
import { FLEET_GROUPS, FLEET_ONLY, fleetViewSearch, type FleetGroup, type FleetOnly } from "@/lib/fleet/fleet-view";
import { layoutFleetMatrix, pagesForRows } from "@/lib/fleet/layout-fleet-matrix";
import type { FleetMatrix, FleetMatrixRow } from "@/lib/fleet/list-fleet-matrix";
import { FleetMatrixCell, SkewMark } from "./fleet-matrix-cell";
import { useFleetMatrixPages } from "./use-fleet-matrix-pages";

const groupLabels: Record<FleetGroup, string> = { none: "None", team: "Team", environment: "Environment", cluster: "Cluster", region: "Region" };
const onlyLabels: Record<FleetOnly, string> = { degraded: "Degraded", "out-of-sync": "Out of sync", skewed: "Version skew" };
/** Grouped by where applications run, a service has a row per place, so the count is of rows. */
const rowNoun: Record<FleetGroup, [string, string]> = {
  none: ["service", "services"],
  team: ["service", "services"],
  environment: ["row", "rows"],
  cluster: ["row", "rows"],
  region: ["row", "rows"],
};
const groupNoun: Record<Exclude<FleetGroup, "none">, [string, string]> = {
  team: ["team", "teams"],
  environment: ["environment", "environments"],
  cluster: ["cluster", "clusters"],
  region: ["region", "regions"],
};

const SEARCH_DEBOUNCE_MS = 250;
const HEADER_HEIGHT = 36;
const ROW_HEIGHT = 60;

export type FleetMatrixProps = { view: FleetView; firstPage: FleetMatrix; pageSize: number };

/**
 * The fleet health matrix with its search, grouping and filter. The view lives in the URL
 * (router navigation, so the back button walks it); rows are virtualized and fetched a page
 * at a time as they scroll into view.
 */
export function FleetMatrixView({ view, firstPage, pageSize }: FleetMatrixProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [text, setText] = useState(view.q ?? "");
  // The q this component asked for last; a different q from the server is the back button's.
  const requested = useRef(view.q ?? "");
  const navigate = (next: FleetView, mode: "push" | "replace") => {
    requested.current = next.q ?? "";
    startTransition(() => router[mode](`/${fleetViewSearch(next)}`, { scroll: false }));
  };
  const latestView = useRef(view);
  useEffect(() => {
    latestView.current = view;
  });
  // Grouping and filter links keep what is typed, even before the search has gone out.
  const typed: FleetView = { ...view, q: text.trim() || undefined };
  useEffect(() => {
    if ((view.q ?? "") !== requested.current) {
      requested.current = view.q ?? "";
      setText(view.q ?? "");
    }
  }, [view.q]);
  useEffect(() => {
    const q = text.trim();
    if (q === requested.current) return;
    const timer = setTimeout(() => {
      // A grouping or filter link may have taken the typed text along meanwhile.
      if (q !== requested.current) navigate({ ...latestView.current, q: q || undefined }, "replace");
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // navigate and view change with every render; the text is what triggers a search.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  const [singular, plural] = rowNoun[view.group];
  const viewKey = fleetViewSearch(view);

  return (
    <section aria-labelledby="fleet-matrix" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h2 id="fleet-matrix" className="text-lg font-semibold text-zinc-950">
          Health by service and environment
        </h2>
        <p className="text-sm text-zinc-600" aria-live="polite" data-testid="matrix-count">
          {pending ? "Updating… " : ""}
          {numberFormat.format(firstPage.total)} {firstPage.total === 1 ? singular : plural}
          {view.group !== "none" ? ` in ${firstPage.groups.length} ${groupNoun[view.group][firstPage.groups.length === 1 ? 0 : 1]}` : ""}
          {view.only === "degraded" ? ", most degraded applications first" : ""}
        </p>
      </div>

      <div className="flex flex-wrap items-center gap-x-6 gap-y-3">
        <label className="flex min-w-64 flex-1 items-center gap-2">
          <span className="sr-only">Search services by name</span>
          <input
            type="search"
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder="Search services…"
            autoComplete="off"
            spellCheck={false}
            className="w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm text-zinc-900 placeholder:text-zinc-500 focus:border-zinc-500 focus:outline-2 focus:outline-zinc-900"
          />
        </label>
        <Choices label="Group by">
          {FLEET_GROUPS.map((group) => (
            <Choice key={group} current={view.group === group} view={{ ...typed, group }} navigate={navigate}>
              {groupLabels[group]}
            </Choice>
          ))}
        </Choices>
        <Choices label="Show">
          <Choice current={view.only === undefined} view={{ ...typed, only: undefined }} navigate={navigate}>
            All
          </Choice>
          {FLEET_ONLY.map((only) => (
            <Choice key={only} current={view.only === only} view={{ ...typed, only }} navigate={navigate}>
              {onlyLabels[only]}
            </Choice>
          ))}
        </Choices>
      </div>

      {firstPage.total === 0 ? (
        <div className="rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-10 text-center text-sm text-zinc-700" role="status">
          <p className="font-semibold text-zinc-900">
            No {plural}
            {view.q ? ` matching “${view.q}”` : ""}
            {view.only ? ` with ${onlyLabels[view.only].toLowerCase()}` : ""}.
          </p>
          <p className="mt-2">
            <Link href="/" className="font-medium text-blue-700 underline">
              Show the whole fleet
            </Link>
          </p>
        </div>
      ) : (
        <div className={pending ? "opacity-60 transition-opacity" : undefined}>
          <MatrixTable key={viewKey} view={view} firstPage={firstPage} pageSize={pageSize} />
        </div>
      )}
    </section>
  );
}

function Choices({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="group" aria-label={label} className="flex items-center gap-2 text-sm">
      <span className="text-zinc-600" aria-hidden="true">
        {label}
      </span>
      <span className="inline-flex flex-wrap overflow-hidden rounded-md border border-zinc-300 bg-white">{children}</span>
    </div>
  );
}

/** A real link (it opens in a new tab, it can be copied) that navigates inside a transition. */
function Choice({
  current,
  view,
  navigate,
  children,
}: {
  current: boolean;
  view: FleetView;
  navigate: (view: FleetView, mode: "push") => void;
  children: ReactNode;
}) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    if (!current) navigate(view, "push");
  };
  return (
    <a
      href={`/${fleetViewSearch(view)}`}
      onClick={onClick}
      aria-current={current ? "true" : undefined}
      className={`border-l border-zinc-300 px-2.5 py-1 whitespace-nowrap no-underline first:border-l-0 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-zinc-900 ${
        current ? "bg-zinc-900 font-medium text-white" : "text-zinc-800 hover:bg-zinc-100"
      }`}
    >
      {children}
    </a>
  );
}

const numberFormat = new Intl.NumberFormat("en-US");

function MatrixTable({ view, firstPage, pageSize }: FleetMatrixProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const layout = useMemo(() => layoutFleetMatrix(firstPage.groups, firstPage.total), [firstPage.groups, firstPage.total]);
  const virtualizer = useVirtualizer({
    count: layout.size,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (layout.itemAt(index).kind === "header" ? HEADER_HEIGHT : ROW_HEIGHT),
    overscan: 3,
    // The server renders the first screen of rows; the browser measures the real box.
    initialRect: { width: 1200, height: 540 },
  });
  const items = virtualizer.getVirtualItems();

  const rowNumbers = items.flatMap((item) => {
    const entry = layout.itemAt(item.index);
    return entry.kind === "row" ? [entry.row] : [];
  });
  const pages = rowNumbers.length === 0 ? [0] : pagesForRows(Math.min(...rowNumbers), Math.max(...rowNumbers), pageSize);
  const { rowAt, failed } = useFleetMatrixPages(view, firstPage, pageSize, pages);

  const environments = firstPage.environments;
  // Each column's minimum is its width in rem or its share of the box, whichever is smaller, so
  // the matrix never scrolls sideways: on a phone, or with many environments, cells truncate.
  const environmentShare = `${(60 / Math.max(1, environments.length)).toFixed(2)}%`;
  const columns = `minmax(min(13rem, 25%), 1.3fr) repeat(${environments.length}, minmax(min(10.5rem, ${environmentShare}), 1fr)) minmax(min(7.5rem, 15%), 0.5fr)`;
  const columnCount = environments.length + 2;

  return (
    <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xs">
      {failed ? (
        <p role="alert" className="border-b border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800">
          Some rows could not be loaded; scroll again or reload the page to retry.
        </p>
      ) : null}
      <div
        ref={scrollRef}
        tabIndex={0}
        role="region"
        aria-label="Fleet health matrix (scrolls)"
        className="h-[34rem] overflow-x-hidden overflow-y-auto focus-visible:outline-2 focus-visible:outline-zinc-900 sm:overflow-x-auto"
        data-testid="matrix-scroll"
      >
        <div role="table" aria-label="Fleet health: services by environment" aria-rowcount={layout.size + 1} aria-colcount={columnCount} className="min-w-full text-sm">
          <div role="rowgroup" className="sticky top-0 z-10 border-b border-zinc-200 bg-zinc-50">
            <div role="row" aria-rowindex={1} className="grid" style={{ gridTemplateColumns: columns }}>
              <div role="columnheader" className="min-w-0 overflow-x-clip px-2 py-2 font-semibold text-zinc-700 sm:px-4">
                Service
              </div>
              {environments.map((environment) => (
                <div key={environment.name} role="columnheader" className="min-w-0 overflow-x-clip px-2 py-2 font-semibold text-zinc-700 sm:px-4">
                  {environment.name}
                  {environment.isProduction ? <span className="ml-1.5 text-xs font-normal text-zinc-600"> production</span> : null}
                </div>
              ))}
              <div role="columnheader" className="min-w-0 overflow-x-clip px-2 py-2 font-semibold text-zinc-700 sm:px-4">
                Skew
              </div>
            </div>
          </div>
          <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const entry = layout.itemAt(item.index);
              const style = { transform: `translateY(${item.start}px)`, height: item.size, gridTemplateColumns: columns };
              if (entry.kind === "header") {
                return (
                  <div key={item.key} role="row" aria-rowindex={item.index + 2} data-group-header className="absolute inset-x-0 top-0 grid border-b border-zinc-200 bg-zinc-100" style={style}>
                    <div role="cell" aria-colspan={columnCount} className="col-span-full flex items-center gap-2 px-4 font-semibold text-zinc-900">
                      {entry.group.label}
                      <span className="text-xs font-normal text-zinc-600">
                        {numberFormat.format(entry.group.rows)} {entry.group.rows === 1 ? "row" : "rows"}
                      </span>
                    </div>
                  </div>
                );
              }
              const row = rowAt(entry.row);
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  data-row={entry.row}
                  data-service={row?.service}
                  className="absolute inset-x-0 top-0 grid items-center border-b border-zinc-100 hover:bg-zinc-50"
                  style={style}
                >
                  {row ? <MatrixRow row={row} /> : <LoadingRow columns={columnCount} />}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}

function timelineHref(row: FleetMatrixRow, environment: string): string {
  const params = new URLSearchParams({ service: row.service, environment });
  if (row.scope.cluster) params.set("cluster", row.scope.cluster);
  if (row.scope.region) params.set("region", row.scope.region);
  return `/timeline?${params}`;
}

function MatrixRow({ row }: { row: FleetMatrixRow }) {
  const where = row.scope.cluster ? `cluster ${row.scope.cluster}` : row.scope.region ? `region ${row.scope.region}` : null;
  return (
    <>
      <div role="rowheader" className="min-w-0 px-4">
        <Link href={`/services/${encodeURIComponent(row.service)}`} prefetch={false} className="block truncate font-medium text-zinc-950 underline-offset-2 hover:underline">
          {row.service}
        </Link>
        <span className="block truncate text-xs text-zinc-600">
          {row.team?.name ?? "No team"}
          {where ? ` · ${where}` : ""}
        </span>
      </div>
      {row.cells.map((cell, index) => (
        // Clipped, not spilled into the next column, when a phone leaves a cell less than its content.
        <div role="cell" key={index} className="min-w-0 overflow-x-clip px-2">
          {cell ? (
            <FleetMatrixCell cell={cell} timelineHref={timelineHref(row, cell.environment)} />
          ) : (
            <span className="px-2 text-zinc-500">
              <span aria-hidden="true">—</span>
              <span className="sr-only">not deployed</span>
            </span>
          )}
        </div>
      ))}
      <div role="cell" className="min-w-0 overflow-x-clip px-2 sm:px-4">
        {row.environmentSkew ? <SkewMark detail={`Environments run different versions: ${row.environmentSkew}`}>environments</SkewMark> : null}
      </div>
    </>
  );
}

function LoadingRow({ columns }: { columns: number }) {
  return (
    <div role="cell" aria-colspan={columns} className="col-span-full px-4" aria-busy="true">
      <span className="sr-only">Loading…</span>
      <span aria-hidden="true" className="block h-4 w-2/3 animate-pulse rounded bg-zinc-100" />
    </div>
  );
}
