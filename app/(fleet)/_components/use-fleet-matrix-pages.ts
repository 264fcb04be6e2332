"use client";

import { useQueries } from "@tanstack/react-query";
import type { FleetView } from "@/lib/fleet/fleet-matrix-query";
import type { FleetMatrix, FleetMatrixRow } from "@/lib/fleet/list-fleet-matrix";

/**
 * The rows of the pages in view, fetched from GET /api/v1/fleet/matrix a page at a time and
 * kept by React Query; page 0 is the server's first answer. Returns a lookup by row number
 * (undefined while that row's page loads) and whether any page failed.
 */
export function useFleetMatrixPages(view: FleetView, firstPage: FleetMatrix, pageSize: number, pages: number[]) {
  const results = useQueries({
    queries: pages.map((page) => ({
      queryKey: ["fleet-matrix", view.group, view.q ?? "", view.only ?? "", pageSize, page],
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchFleetMatrixPage(view, page * pageSize, pageSize, signal),
      initialData: page === 0 ? firstPage : undefined,
    })),
  });

  const loaded = new Map<number, FleetMatrixRow[]>();
  let failed = false;
  results.forEach((result, index) => {
    if (result.data) loaded.set(pages[index]!, result.data.rows);
    if (result.isError) failed = true;
  });
  const rowAt = (row: number): FleetMatrixRow | undefined => loaded.get(Math.floor(row / pageSize))?.[row % pageSize];
  return { rowAt, failed };
}

async function fetchFleetMatrixPage(view: FleetView, offset: number, limit: number, signal: AbortSignal): Promise<FleetMatrix> {
  const params = new URLSearchParams({ group: view.group, offset: String(offset), limit: String(limit) });
  if (view.q) params.set("q", view.q);
  if (view.only) params.set("only", view.only);
  const response = await fetch(`/api/v1/fleet/matrix?${params}`, { signal });
  if (!response.ok) throw new Error(`GET /api/v1/fleet/matrix answered ${response.status}`);
  return (await response.json()) as FleetMatrix;
}
