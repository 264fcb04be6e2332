// The loop that keeps the DORA rollups current beside each ingestion worker (inline or
// `npm run worker`): refresh while services are marked dirty, then wait a moment. Any number may
// run; one refreshes at a time and the others skip. Ends when `signal` aborts.
//
// While deployments keep arriving (a storm, a fleet-wide rollout) it refreshes every
// `busyIntervalMs` instead of as soon as a mark appears: a refresh recomputes each marked
// service's whole history, and at once-a-second during a storm that took as much of PostgreSQL
// as the worker's own statements (docs/performance.md). A service marked many times in the
// interval is recomputed once. A full batch of marks (a backlog) is taken again at once.
import { type Db, getDb } from "../db/client";
import { logger } from "../log/logger";
import { refreshDoraRollups } from "./refresh-dora-rollups";

export type DoraRefresherOptions = {
  signal: AbortSignal;
  /** Pause when nothing was dirty, or another refresher held the lock. */
  intervalMs?: number;
  /** Pause after a refresh that found marks (but not a full batch of them): how far rollups may trail a busy fleet. */
  busyIntervalMs?: number;
  db?: Db;
  log?: { error: (message: string, error: unknown) => void };
};

export async function runDoraRefresher({
  signal,
  intervalMs = 1_000,
  busyIntervalMs = 5_000,
  db = getDb(),
  log = { error: (message, error) => logger("dora").error({ err: error }, message) },
}: DoraRefresherOptions): Promise<void> {
  while (!signal.aborted) {
    let pauseMs = intervalMs;
    try {
      const result = await refreshDoraRollups(db);
      if (result.full) pauseMs = 0;
      else if (result.services > 0) pauseMs = busyIntervalMs;
    } catch (error) {
      log.error("refreshing the DORA rollups failed; retrying", error);
      pauseMs = Math.max(intervalMs, 5_000);
    }
    if (pauseMs > 0) await sleep(pauseMs, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
