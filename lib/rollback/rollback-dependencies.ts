// What planning and running rollbacks need from outside the database: settings, an Argo CD
// client per instance, the GitHub and GitLab clients, a clock, and how to link to a rollback's page.
// Built from lib/env.ts in the app; tests pass fakes.
import "server-only";
import { ArgoCdClient } from "../argocd/argocd-client";
import { config } from "../env";
import { type GithubClient, githubClient } from "../github/github-client";
import { type GitlabAccess, gitlabAccess } from "../gitlab/gitlab-client";

export type RollbackSettings = {
  approval: "production" | "none";
  autoMerge: boolean;
  /** A rollback executing or waiting longer than this is marked failed. */
  timeoutMs: number;
};

export type RollbackDependencies = {
  settings: RollbackSettings;
  /** Names of the Argo CD instances Shiplog can call. */
  argoInstances: string[];
  argocd: (instance: string) => ArgoCdClient | null;
  github: GithubClient | null;
  /** The GitLab instance (GITLAB_URL) and its API when GITLAB_TOKEN is set; absent: no GitLab. */
  gitlab?: GitlabAccess | null;
  /** Link to a rollback on Shiplog (put in pull requests), or null when the public URL is unknown. */
  rollbackUrl: (rollbackId: number) => string | null;
  now: () => Date;
};

export function defaultRollbackDependencies(options: { publicBaseUrl?: string | null } = {}): RollbackDependencies {
  const settings = config();
  const clients = new Map(settings.ARGOCD_INSTANCES.map((instance) => [instance.name, new ArgoCdClient(instance, settings.ARGOCD_REQUEST_TIMEOUT_MS)]));
  return {
    settings: {
      approval: settings.SHIPLOG_ROLLBACK_APPROVAL,
      autoMerge: settings.SHIPLOG_ROLLBACK_AUTO_MERGE ?? false,
      timeoutMs: settings.SHIPLOG_ROLLBACK_TIMEOUT_MINUTES * 60_000,
    },
    argoInstances: [...clients.keys()],
    argocd: (instance) => clients.get(instance) ?? null,
    github: githubClient(),
    gitlab: gitlabAccess(),
    rollbackUrl: (id) => (options.publicBaseUrl ? new URL(`/rollbacks/${id}`, options.publicBaseUrl).toString() : null),
    now: () => new Date(),
  };
}
