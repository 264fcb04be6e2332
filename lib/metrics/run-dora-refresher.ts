// The loop that keeps the DORA rollups current beside each ingestion worker (inline or
// `npm run worker`): refresh while services are marked dirty, then wait a moment. Any number may
// run; one refreshes at a time and the others skip. Ends when `signal` aborts.
import { type Db, getDb } from "../db/client";
import { refreshDoraRollups } from "./refresh-dora-rollups";

export type DoraRefresherOptions = {
  signal: AbortSignal;
  /** Pause when nothing was dirty, or another refresher held the lock. */
  intervalMs?: number;
  db?: Db;
  log?: { error: (message: string, error: unknown) => void };
};

export async function runDoraRefresher({ signal, intervalMs = 1_000, db = getDb(), log = console }: DoraRefresherOptions): Promise<void> {
  while (!signal.aborted) {
    let pauseMs = intervalMs;
    try {
      const result = await refreshDoraRollups(db);
      if (result.services > 0) pauseMs = 0;
    } catch (error) {
      log.error("[dora] refreshing the DORA rollups failed; retrying", error);
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
