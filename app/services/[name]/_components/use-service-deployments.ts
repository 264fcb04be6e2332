"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import type { DeploymentSummary } from "@/lib/deployments/list-deployments";

/** A deployment as GET /api/v1/deployments sends it: dates are ISO strings. */
export type DeploymentJson = Omit<DeploymentSummary, "startedAt" | "finishedAt" | "healthyAt"> & {
  startedAt: string;
  finishedAt: string | null;
  healthyAt: string | null;
};

export type DeploymentPageJson = { items: DeploymentJson[]; nextCursor: string | null };

/** Rows per "load more"; the same size as the server's first page. */
export const HISTORY_PAGE_SIZE = 20;

async function fetchPage(service: string, cursor: string, signal: AbortSignal): Promise<DeploymentPageJson> {
  const params = new URLSearchParams({ service, limit: String(HISTORY_PAGE_SIZE), cursor });
  const response = await fetch(`/api/v1/deployments?${params.toString()}`, { signal, headers: { accept: "application/json" } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
  }
  return (await response.json()) as DeploymentPageJson;
}

/** The service's deployments, newest first: the server's first page, then keyset pages on demand. */
export function useServiceDeployments(service: string, initialPage: DeploymentPageJson) {
  return useInfiniteQuery({
    queryKey: ["service-deployments", service],
    initialData: { pages: [initialPage], pageParams: [null as string | null] },
    initialPageParam: null as string | null,
    // The first page always comes from the server render; later pages follow its cursor.
    queryFn: ({ pageParam, signal }) => (pageParam === null ? Promise.resolve(initialPage) : fetchPage(service, pageParam, signal)),
    getNextPageParam: (last) => last.nextCursor,
    staleTime: Infinity,
  });
}
