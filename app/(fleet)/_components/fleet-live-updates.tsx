"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useTransition } from "react";
import { useDeploymentStream } from "@/components/live/use-deployment-stream";

/**
 * At most one re-render per this long: a burst of syncs (hundreds a second while a fleet
 * rolls out) costs each open fleet page one server render and one matrix refetch per window.
 */
export const FLEET_REFRESH_MIN_INTERVAL_MS = 2_000;

const labels = { connecting: "Connecting…", live: "Live", polling: "Live updates every 10 s" } as const;

/**
 * Keeps the fleet page current from the timeline's change feed (GET /api/v1/deployments/stream):
 * on a change the server components (headline numbers, by environment, recently degraded) are
 * rendered again (router.refresh keeps scroll and client state) and the matrix's loaded windows
 * are refetched.
 */
export function FleetLiveUpdates() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [, startTransition] = useTransition();
  const lastRun = useRef(0);
  const waiting = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const refresh = useCallback(() => {
    // A refresh already waiting will read everything written until it runs.
    if (waiting.current) return;
    const wait = Math.max(0, lastRun.current + FLEET_REFRESH_MIN_INTERVAL_MS - Date.now());
    waiting.current = setTimeout(() => {
      waiting.current = undefined;
      lastRun.current = Date.now();
      startTransition(() => router.refresh());
      void queryClient.invalidateQueries({ queryKey: ["fleet-matrix"] });
    }, wait);
  }, [router, queryClient]);
  useEffect(() => () => clearTimeout(waiting.current), []);

  // The page was rendered a moment ago: re-rendering it when the stream first opens would double
  // the cost of every visit for a gap of well under a second (the 60 s safety refresh covers it).
  const stream = useDeploymentStream(refresh, { refreshOnFirstOpen: false });
  return (
    <p className="flex items-center gap-1.5 text-sm text-zinc-600" data-stream-state={stream}>
      <span aria-hidden="true" className={`inline-block size-2 rounded-full ${stream === "live" ? "bg-emerald-600" : stream === "polling" ? "bg-amber-500" : "bg-zinc-400"}`} />
      {labels[stream]}
    </p>
  );
}
