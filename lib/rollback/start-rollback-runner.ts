// Runs runDueRollbacks every few seconds in the process that runs the ingestion worker, until
// the signal aborts. A failed pass is logged (never with a credential: errors here are already
// in plain words) and the next one tries again.
import "server-only";
import { getDb } from "../db/client";
import { logger } from "../log/logger";
import { defaultRollbackDependencies } from "./rollback-dependencies";
import { runDueRollbacks } from "./run-due-rollbacks";

export async function startRollbackRunner(options: { signal: AbortSignal; intervalMs?: number; publicBaseUrl?: string | null }): Promise<void> {
  const intervalMs = options.intervalMs ?? 5_000;
  const deps = defaultRollbackDependencies({ publicBaseUrl: options.publicBaseUrl });
  while (!options.signal.aborted) {
    try {
      const { failed, executed } = await runDueRollbacks(getDb(), deps);
      if (failed.length || executed.length) logger("rollback").info(`executed ${executed.join(", ") || "none"}; failed ${failed.join(", ") || "none"}`);
    } catch (error) {
      logger("rollback").error(`pass failed: ${(error as Error).message}`);
    }
    // Wakes early when the signal aborts, so a stopping worker process does not wait out the interval.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, intervalMs);
      timer.unref?.();
      options.signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        options.signal.removeEventListener("abort", done);
        resolve();
      }
    });
  }
}
