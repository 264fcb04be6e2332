// The loop of the runners beside the ingestion worker (rollbacks, promotions): one pass, then a
// pause, until the signal aborts. A failed pass is logged (by message only: the runners' errors
// are already in plain words, never with a credential) and the next one tries again.
import { type Logger, logger } from "../log/logger";

export type PeriodicJob = {
  /** The log component, e.g. "rollback". */
  name: string;
  signal: AbortSignal;
  intervalMs: number;
  /** One pass; what it did in a line for the log, or null when it did nothing worth a line. */
  pass: () => Promise<string | null>;
  log?: Pick<Logger, "info" | "error">;
};

export async function runPeriodically({ name, signal, intervalMs, pass, log = logger(name) }: PeriodicJob): Promise<void> {
  while (!signal.aborted) {
    try {
      const summary = await pass();
      if (summary !== null) log.info(summary);
    } catch (error) {
      log.error(`pass failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    await pauseUnlessAborted(intervalMs, signal);
  }
}

/** Waits `ms`, or less when the signal aborts, so a stopping worker does not wait out the interval. */
function pauseUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    // A pending pause never keeps a process alive on its own.
    timer.unref?.();
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
