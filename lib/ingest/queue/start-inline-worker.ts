// The ingestion worker inside the web process (SHIPLOG_INLINE_WORKER, on unless set to false):
// one machine needs no second process. Started once per process from instrumentation.ts; Next's
// dev reloads re-run register(), so the running worker is kept on globalThis. The web process
// is stopped without notice (Ctrl-C, SIGTERM to next start): a delivery in flight then simply
// rolls back and is applied again by the next worker, so no shutdown hook is needed.
import { getDb } from "../../db/client";
import { retryWhileUnavailable } from "../../db/retry-while-unavailable";
import { config, ConfigError, databaseUrl } from "../../env";
import { logger } from "../../log/logger";
import { runDoraRefresher } from "../../metrics/run-dora-refresher";
import { startPromotionRunner } from "../../promotions/start-promotion-runner";
import { startRollbackRunner } from "../../rollback/start-rollback-runner";
import { relinkReleasesAfterUpgrade } from "../../trace/relink-releases-after-upgrade";
import { startReconciliation } from "../upkeep/start-reconciliation";
import { describeWorkerSlots, runWorker } from "./worker";

const INLINE_CONCURRENCY = 2;

const globalForInlineWorker = globalThis as unknown as { shiplogInlineWorker?: Promise<void> };

export function startInlineWorker(): void {
  if (globalForInlineWorker.shiplogInlineWorker) return;
  try {
    if (config().SHIPLOG_INLINE_WORKER === false) return;
    databaseUrl();
  } catch (error) {
    const reason = error instanceof ConfigError ? error.message : String(error);
    logger("worker").error(`the inline ingestion worker is not started: ${reason}`);
    return;
  }
  const signal = new AbortController().signal;
  // Said now, while Next runs register() and before the server answers: `npm start` prints how to
  // sign in once it answers, and those lines stay the last of the start (issue 16).
  logger("worker").info(`the inline worker starts: ${describeWorkerSlots(INLINE_CONCURRENCY)}`);
  // Once after the upgrade to ancestry-based ranges, before new deliveries relink on top of them.
  // Retried while the database is away, so a web server started during an outage still gets its worker.
  const relinked = retryWhileUnavailable(() => relinkReleasesAfterUpgrade(getDb(), { signal, log: (line) => logger("trace").info(line) }), {
    what: "relinking releases before the inline worker starts",
    log: (line) => logger("worker").warn(line),
    signal,
  });
  globalForInlineWorker.shiplogInlineWorker = relinked.then(() => runWorker({ signal, concurrency: INLINE_CONCURRENCY, announce: false })).catch((error: unknown) => {
    logger("worker").error({ err: error }, "the inline ingestion worker stopped");
    globalForInlineWorker.shiplogInlineWorker = undefined;
  });
  void startReconciliation({ signal }).catch((error: unknown) => logger("reconciliation").error({ err: error }, "stopped"));
  void runDoraRefresher({ signal }).catch((error: unknown) => logger("dora").error({ err: error }, "the DORA rollup refresher stopped"));
  // Next rollback waves and time limits (lib/rollback/run-due-rollbacks.ts).
  void startRollbackRunner({ signal }).catch((error: unknown) => logger("rollback").error({ err: error }, "the rollback runner stopped"));
  // Promotion waves, soak times, time limits and automatic rollbacks (lib/promotions/run-due-promotions.ts).
  void startPromotionRunner({ signal }).catch((error: unknown) => logger("promotion").error({ err: error }, "the promotion runner stopped"));
}
