// The GitLab side of "losing nothing", run by the worker process until the signal aborts: every
// GITLAB_RANGES_INTERVAL_SECONDS, incomplete release commit ranges of GitLab projects are
// completed from the compare API, one worker at a time fleet-wide (the `settings` row
// `gitlab_reconciliation:ranges` keeps the turn and the last outcome). Off without GITLAB_TOKEN.
import "server-only";
import { getDb, type Db } from "../db/client";
import { config, type Config } from "../env";
import { repeatReconciliationJob } from "../github/run-github-reconciliation";
import { logger } from "../log/logger";
import { completeGitlabReleaseRanges } from "./complete-gitlab-release-ranges";
import { describeGitlabError, gitlabAccess, gitlabAccessFromConfig, type GitlabAccess } from "./gitlab-client";

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
    log("GitLab reconciliation is off: set GITLAB_TOKEN (and GITLAB_URL for a self-managed instance) to complete GitLab projects' release commit ranges");
    return;
  }
  if (settings.GITLAB_RANGES_INTERVAL_SECONDS === 0) {
    log("GITLAB_RANGES_INTERVAL_SECONDS=0: release commit ranges are not completed from GitLab");
    return;
  }
  const db = options.db ?? getDb();
  await repeatReconciliationJob(
    db,
    "gitlab_reconciliation:ranges",
    settings.GITLAB_RANGES_INTERVAL_SECONDS * 1000,
    async () => {
      const result = await completeGitlabReleaseRanges(db, { ...gitlab, api }, { signal: options.signal, log });
      if (result.completed > 0 || result.incomplete > 0 || result.stoppedBy) {
        log(`GitLab release ranges: ${result.completed} completed, ${result.incomplete} left incomplete${result.stoppedBy ? `; stopped: ${result.stoppedBy}` : ""}`);
      }
      return result;
    },
    { signal: options.signal, log, firstDelayMs: options.firstDelayMs, describe: describeGitlabError },
  );
}
