"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import type { FailedDeliveryPage } from "@/lib/ingest/status/list-deliveries";
import type { ReplayedDelivery } from "@/lib/ingest/replay/request-delivery-replay";
import type { AsJson } from "./as-json";
import { INGESTION_HEALTH_KEY } from "./use-ingestion-health";

export type FailedDeliveryPageJson = AsJson<FailedDeliveryPage>;
export type SourceParam = "argocd" | "github" | "build" | "deployer" | "gitlab" | "flux";

const deliveriesKey = (source: SourceParam | undefined) => ["failed-deliveries", source ?? "all"] as const;

async function readError(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `Shiplog answered ${response.status}`;
}

/**
 * Failed deliveries of one source (or all), a keyset page at a time ("Load more"), polled every
 * 15 s so deliveries the worker has since processed leave the list.
 */
export function useFailedDeliveries(source: SourceParam | undefined, initialPage: FailedDeliveryPageJson | undefined) {
  return useInfiniteQuery({
    queryKey: deliveriesKey(source),
    queryFn: async ({ pageParam, signal }): Promise<FailedDeliveryPageJson> => {
      const params = new URLSearchParams({ status: "failed" });
      if (source) params.set("source", source);
      if (pageParam) params.set("cursor", pageParam);
      const response = await fetch(`/api/v1/deliveries?${params}`, { signal, cache: "no-store" });
      if (!response.ok) throw new Error(await readError(response));
      return (await response.json()) as FailedDeliveryPageJson;
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: initialPage ? { pages: [initialPage], pageParams: [null] } : undefined,
    refetchInterval: 15_000,
  });
}

/** Replays one delivery; the health numbers refresh at once, the list at its next poll. */
export function useReplayDelivery() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: number): Promise<AsJson<ReplayedDelivery>> => {
      const response = await fetch(`/api/v1/deliveries/${id}/replay`, { method: "POST" });
      if (!response.ok) throw new Error(await readError(response));
      return (await response.json()) as AsJson<ReplayedDelivery>;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: INGESTION_HEALTH_KEY }),
  });
}

/** Replays every failed delivery of a source (or of all). */
export function useReplayAllFailed(source: SourceParam | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (): Promise<{ replayed: number }> => {
      const response = await fetch(`/api/v1/deliveries/replay${source ? `?source=${source}` : ""}`, { method: "POST" });
      if (!response.ok) throw new Error(await readError(response));
      return (await response.json()) as { replayed: number };
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: INGESTION_HEALTH_KEY });
      void queryClient.invalidateQueries({ queryKey: deliveriesKey(source) });
    },
  });
}

