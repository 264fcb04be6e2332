// The GitHub side of "losing nothing", run by the worker process until the signal aborts:
// every GITHUB_RANGES_INTERVAL_SECONDS, incomplete release commit ranges are completed from the
// compare API; every GITHUB_REDELIVERY_INTERVAL_SECONDS, failed deliveries of GITHUB_WEBHOOK_HOOKS
// are redelivered. With several workers, a turn is taken through the `settings` row of the job
// (`github_reconciliation:<job>`), so each job runs about once per interval fleet-wide; that
// row also keeps the last run's outcome for the ingestion health view.
import { setTimeout as sleep } from "node:timers/promises";
import { getDb, type Db } from "../db/client";
import { config, type Config } from "../env";
import { pruneGithubResponses } from "./cached-get";
import { completeReleaseRanges } from "./complete-release-ranges";
import { defaultGithubLog, describeGithubError, githubClient, githubClientFromConfig, type GithubClient } from "./github-client";
import { redeliverFailedDeliveries } from "./redeliver-failed-deliveries";

/** Cached GitHub responses unused for this long are forgotten. */
const CACHE_RETENTION_MS = 14 * 24 * 3600_000;

export type GithubReconciliationOptions = {
  signal: AbortSignal;
  db?: Db;
  /** Defaults to the process's settings (lib/env.ts). */
  settings?: Config;
  /** Defaults to the client the settings describe; null when no credential is configured. */
  github?: GithubClient | null;
  log?: (line: string) => void;
  /** Wait before the first runs, so a starting worker first drains its queue. */
  firstDelayMs?: number;
};

/** Runs both jobs until `signal` aborts; resolves once they have stopped. */
export async function startGithubReconciliation(options: GithubReconciliationOptions): Promise<void> {
  const settings = options.settings ?? config();
  const log = options.log ?? defaultGithubLog;
  const github = options.github !== undefined ? options.github : options.settings ? githubClientFromConfig(settings, log) : githubClient();
  if (github === null) {
    log(
      "reconciliation is off: set GITHUB_TOKEN (or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID) to complete release commit ranges and redeliver failed webhook deliveries",
    );
    return;
  }
  const db = options.db ?? getDb();
  const jobs: Promise<void>[] = [];
  const every = (job: string, seconds: number, run: () => Promise<Record<string, unknown>>) =>
    jobs.push(repeatReconciliationJob(db, `github_reconciliation:${job}`, seconds * 1000, run, { ...options, log }));

  if (settings.GITHUB_RANGES_INTERVAL_SECONDS > 0) {
    every("ranges", settings.GITHUB_RANGES_INTERVAL_SECONDS, async () => {
      const result = await completeReleaseRanges(db, github, { signal: options.signal, log });
      if (result.completed > 0 || result.incomplete > 0 || result.stoppedBy) {
        log(
          `release ranges: ${result.completed} completed, ${result.incomplete} left incomplete, ${result.cached} answered from cache${result.stoppedBy ? `; stopped: ${result.stoppedBy}` : ""}`,
        );
      }
      const pruned = await pruneGithubResponses(db, new Date(Date.now() - CACHE_RETENTION_MS));
      return { ...result, pruned };
    });
  } else log("GITHUB_RANGES_INTERVAL_SECONDS=0: release commit ranges are not completed from GitHub");

  if (settings.GITHUB_WEBHOOK_HOOKS.length === 0) {
    log("no GITHUB_WEBHOOK_HOOKS configured: failed webhook deliveries are not redelivered");
  } else if (settings.GITHUB_REDELIVERY_INTERVAL_SECONDS > 0) {
    every("redelivery", settings.GITHUB_REDELIVERY_INTERVAL_SECONDS, async () => {
      const hooks = await redeliverFailedDeliveries(db, github, settings.GITHUB_WEBHOOK_HOOKS, { signal: options.signal, log });
      return { hooks };
    });
  } else log("GITHUB_REDELIVERY_INTERVAL_SECONDS=0: failed webhook deliveries are not redelivered");

  await Promise.all(jobs);
}

/**
 * Runs `run` every interval until the signal aborts, one worker at a time fleet-wide (a turn in
 * the `settings` row `key`, which also keeps the last outcome). Also used by the GitLab jobs.
 */
export async function repeatReconciliationJob(
  db: Db,
  key: string,
  intervalMs: number,
  run: () => Promise<Record<string, unknown>>,
  options: { signal: AbortSignal; log: (line: string) => void; firstDelayMs?: number; describe?: (error: unknown) => string },
): Promise<void> {
  const { signal, log } = options;
  const describe = options.describe ?? describeGithubError;
  const job = key.slice(key.indexOf(":") + 1);
  let delay = options.firstDelayMs ?? 10_000;
  while (!signal.aborted) {
    if (!(await pause(delay, signal))) return;
    delay = intervalMs;
    try {
      if (!(await takeTurn(db, key, intervalMs))) continue; // another worker ran it within the interval
      const startedAt = new Date().toISOString();
      const value = { startedAt, finishedAt: null as string | null, ok: true, ...(await run()) };
      value.finishedAt = new Date().toISOString();
      await db.setting.update({ where: { key }, data: { value: JSON.parse(JSON.stringify(value)) } });
    } catch (error) {
      if (signal.aborted) return;
      const message = describe(error);
      log(`${job}: run failed: ${message}`);
      const value = { finishedAt: new Date().toISOString(), ok: false, error: message };
      await db.setting.update({ where: { key }, data: { value } }).catch((failure: unknown) => {
        log(`${job}: could not record the failure: ${describe(failure)}`);
      });
    }
  }
}

/** False when the signal aborted the wait (shutting down). */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch (error) {
    if ((error as Error).name === "AbortError") return false;
    throw error;
  }
}

/** Takes this job's turn unless some worker took it less than 90% of an interval ago. */
async function takeTurn(db: Db, key: string, intervalMs: number): Promise<boolean> {
  const value = JSON.stringify({ startedAt: new Date().toISOString() });
  const rows = await db.$queryRaw<{ key: string }[]>`
    INSERT INTO settings (key, value, updated_at) VALUES (${key}, ${value}::jsonb, now())
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
    WHERE settings.updated_at <= now() - make_interval(secs => ${(intervalMs * 0.9) / 1000})
    RETURNING key`;
  return rows.length === 1;
}
