// Runs runDueRollbacks every few seconds in the process that runs the ingestion worker, until
// the signal aborts. A failed pass is logged (never with a credential: errors here are already
// in plain words) and the next one tries again.
import "server-only";
import { getDb } from "../db/client";
import { defaultRollbackDependencies } from "./rollback-dependencies";
import { runDueRollbacks } from "./run-due-rollbacks";

export async function startRollbackRunner(options: { signal: AbortSignal; intervalMs?: number; publicBaseUrl?: string | null }): Promise<void> {
  const intervalMs = options.intervalMs ?? 5_000;
  const deps = defaultRollbackDependencies({ publicBaseUrl: options.publicBaseUrl });
  while (!options.signal.aborted) {
    try {
      const { failed, executed } = await runDueRollbacks(getDb(), deps);
      if (failed.length || executed.length) console.log(`[rollback] executed ${executed.join(", ") || "none"}; failed ${failed.join(", ") || "none"}`);
    } catch (error) {
      console.error(`[rollback] pass failed: ${(error as Error).message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs).unref?.());
  }
}
