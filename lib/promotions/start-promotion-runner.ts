// Runs runDuePromotions every few seconds in the process that runs the ingestion worker, until
// the signal aborts. A failed pass is logged (errors here are already in plain words, never with a
// credential) and the next one tries again.
import "server-only";
import { getDb } from "../db/client";
import { logger } from "../log/logger";
import { defaultPromotionDependencies } from "./promotion-dependencies";
import { runDuePromotions } from "./run-due-promotions";

export async function startPromotionRunner(options: { signal: AbortSignal; intervalMs?: number; publicBaseUrl?: string | null }): Promise<void> {
  const intervalMs = options.intervalMs ?? 5_000;
  const deps = defaultPromotionDependencies({ publicBaseUrl: options.publicBaseUrl });
  while (!options.signal.aborted) {
    try {
      const pass = await runDuePromotions(getDb(), deps);
      if (pass.started.length || pass.succeeded.length || pass.failed.length || pass.rollbacks.length) {
        logger("promotion").info(`waves started ${pass.started.join(", ") || "none"}; succeeded ${pass.succeeded.join(", ") || "none"}; failed ${pass.failed.join(", ") || "none"}; rollbacks ${pass.rollbacks.join(", ") || "none"}`);
      }
    } catch (error) {
      logger("promotion").error(`pass failed: ${(error as Error).message}`);
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
