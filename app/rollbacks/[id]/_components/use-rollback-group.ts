"use client";

import { useQuery } from "@tanstack/react-query";
import { callRollbackApi } from "@/components/rollback/call-rollback-api";
import type { RollbackGroup } from "@/lib/rollback/get-rollback-group";

/** How often a running rollback is asked for again; it moves as Argo CD's events arrive. */
export const ROLLBACK_POLL_MS = 2_000;

/** The rollback and its group, from the server's render, polled until nothing can change any more. */
export function useRollbackGroup(initial: RollbackGroup) {
  return useQuery({
    queryKey: ["rollback", initial.id],
    queryFn: ({ signal }) => callRollbackApi<RollbackGroup>(`/api/v1/rollbacks/${initial.id}`, { signal }),
    initialData: initial,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.finished ? false : ROLLBACK_POLL_MS),
  });
}
