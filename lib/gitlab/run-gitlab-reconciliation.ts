// The GitLab side of "losing nothing", run by the worker process until the signal aborts: every
// GITLAB_RANGES_INTERVAL_SECONDS, incomplete release commit ranges of GitLab projects are
// completed from the compare API; every GITLAB_REDELIVERY_INTERVAL_SECONDS, failed events in the
// event logs of GITLAB_WEBHOOK_HOOKS are resent. One worker at a time fleet-wide per job (the
// `settings` rows `gitlab_reconciliation:ranges` and `:redelivery` keep the turn and the last
// outcome). Off without GITLAB_TOKEN.
import "server-only";
import { getDb, type Db } from "../db/client";
import { config, type Config } from "../env";
import { repeatReconciliationJob } from "../github/run-github-reconciliation";
import { logger } from "../log/logger";
import { completeGitlabReleaseRanges } from "./complete-gitlab-release-ranges";
import { describeGitlabError, gitlabAccess, gitlabAccessFromConfig, type GitlabAccess } from "./gitlab-client";
import { resendFailedGitlabEvents } from "./resend-failed-gitlab-events";

export type GitlabReconciliationOptions = {
  signal: AbortSignal;
  db?: Db;
  settings?: Config;
  gitlab?: GitlabAccess;
  log?: (line: string) => void;
  firstDelayMs?: number;
};

export async function startGitlabReconciliation(options: GitlabReconciliationOptions): Promise<void> {
  const settings = options.settings ?? config();
  const log = options.log ?? ((line: string) => logger("gitlab").info(line));
  const gitlab = options.gitlab ?? (options.settings ? gitlabAccessFromConfig(settings) : gitlabAccess());
  const api = gitlab.api;
  if (api === null) {
    // Quiet by design for fleets without GitLab: one line, at start.
    log("GitLab reconciliation is off: set GITLAB_TOKEN (and GITLAB_URL for a self-managed instance) to complete GitLab projects' release commit ranges and resend failed webhook events");
    return;
  }
  const db = options.db ?? getDb();
  const jobs: Promise<void>[] = [];
  const every = (job: string, seconds: number, run: () => Promise<Record<string, unknown>>) =>
    jobs.push(
      repeatReconciliationJob(db, `gitlab_reconciliation:${job}`, seconds * 1000, run, {
        signal: options.signal,
        log,
        firstDelayMs: options.firstDelayMs,
        describe: describeGitlabError,
      }),
    );

  if (settings.GITLAB_RANGES_INTERVAL_SECONDS > 0) {
    every("ranges", settings.GITLAB_RANGES_INTERVAL_SECONDS, async () => {
      const result = await completeGitlabReleaseRanges(db, { ...gitlab, api }, { signal: options.signal, log });
      if (result.completed > 0 || result.incomplete > 0 || result.stoppedBy) {
        log(`GitLab release ranges: ${result.completed} completed, ${result.incomplete} left incomplete${result.stoppedBy ? `; stopped: ${result.stoppedBy}` : ""}`);
      }
      return result;
    });
  } else log("GITLAB_RANGES_INTERVAL_SECONDS=0: release commit ranges are not completed from GitLab");

  if (settings.GITLAB_WEBHOOK_HOOKS.length === 0) {
    log("no GITLAB_WEBHOOK_HOOKS configured: failed GitLab webhook events are not resent");
  } else if (settings.GITLAB_REDELIVERY_INTERVAL_SECONDS > 0) {
    every("redelivery", settings.GITLAB_REDELIVERY_INTERVAL_SECONDS, async () => {
      const hooks = await resendFailedGitlabEvents(db, api, settings.GITLAB_WEBHOOK_HOOKS, {
        signal: options.signal,
        log,
        nextRunInSeconds: settings.GITLAB_REDELIVERY_INTERVAL_SECONDS,
      });
      return { hooks };
    });
  } else log("GITLAB_REDELIVERY_INTERVAL_SECONDS=0: failed GitLab webhook events are not resent");

  await Promise.all(jobs);
}
