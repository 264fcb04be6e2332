"use client";

import { useQuery } from "@tanstack/react-query";
import type { IngestionHealth } from "@/lib/ingest/status/get-ingestion-health";
import type { AsJson } from "./as-json";

export type IngestionHealthJson = AsJson<IngestionHealth>;

export const INGESTION_HEALTH_KEY = ["ingestion-health"] as const;

/** The ingestion health, polled every 5 s: a backlog or a failure shows up without a reload. */
export function useIngestionHealth(initialData: IngestionHealthJson) {
  return useQuery({
    queryKey: INGESTION_HEALTH_KEY,
    queryFn: async ({ signal }): Promise<IngestionHealthJson> => {
      const response = await fetch("/api/v1/ingestion/health", { signal, cache: "no-store" });
      if (!response.ok) throw new Error(`Ingestion health answered ${response.status}`);
      return (await response.json()) as IngestionHealthJson;
    },
    initialData,
    initialDataUpdatedAt: Date.parse(initialData.asOf),
    refetchInterval: 5_000,
    staleTime: 0,
  });
}
