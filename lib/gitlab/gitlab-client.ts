// The one GitLab API client of a process (@gitbeaker/rest, which retries GitLab's 429 and 502
// answers itself), with a time limit on every call, and the instance it talks to. Shiplog names
// GitLab projects `<host>/<path>` (docs/setup-gitlab.md); the host tells which repositories and
// config repositories are this instance's. The token never appears in a log line or an error.
import "server-only";
import { GitbeakerRequestError, GitbeakerRetryError, GitbeakerTimeoutError, Gitlab } from "@gitbeaker/rest";
import { config, type Config } from "../env";

export type GitlabApi = InstanceType<typeof Gitlab<false>>;

/** The configured instance; `api` is null when GITLAB_TOKEN is unset (webhooks only). */
export type GitlabAccess = {
  /** Host (and port when not the default), as in Shiplog's project names: `gitlab.com`, `git.example.com:8443`. */
  host: string;
  api: GitlabApi | null;
};

export function createGitlabApi(options: { url: string; token: string; timeoutMs?: number }): GitlabApi {
  return new Gitlab({ host: options.url.replace(/\/+$/, ""), token: options.token, queryTimeout: options.timeoutMs ?? 10_000 });
}

export function gitlabAccessFromConfig(settings: Config): GitlabAccess {
  const host = new URL(settings.GITLAB_URL).host;
  const api = settings.GITLAB_TOKEN ? createGitlabApi({ url: settings.GITLAB_URL, token: settings.GITLAB_TOKEN, timeoutMs: settings.GITLAB_REQUEST_TIMEOUT_MS }) : null;
  return { host, api };
}

let shared: GitlabAccess | undefined;

/** The process-wide access from lib/env.ts. */
export function gitlabAccess(): GitlabAccess {
  shared ??= gitlabAccessFromConfig(config());
  return shared;
}

/** `gitlab.com/acme/payments/api` → `acme/payments/api` when the repository is on `host`, else null. */
export function gitlabProjectPath(repository: string, host: string): string | null {
  const prefix = `${host.toLowerCase()}/`;
  if (!repository.toLowerCase().startsWith(prefix)) return null;
  const path = repository.slice(prefix.length).replace(/\/+$/, "");
  return path.split("/").filter(Boolean).length >= 2 ? path : null;
}

/** The HTTP status GitLab answered a failed call with, or null when it did not answer. */
export function gitlabStatus(error: unknown): number | null {
  if (!(error instanceof GitbeakerRequestError)) return null;
  return error.cause?.response.status ?? null;
}

/** An error from a GitLab call (an answer, a time-out, retries exhausted, a network error), not from Shiplog. */
export function isGitlabError(error: unknown): boolean {
  if (error instanceof GitbeakerRequestError || error instanceof GitbeakerTimeoutError || error instanceof GitbeakerRetryError) return true;
  // fetch's own failure (refused connection, DNS): a TypeError whose cause is the system error.
  return error instanceof TypeError && error.message === "fetch failed";
}

/**
 * GitLab answered 429 (its rate limit): directly, or after the client's own quick retries, whose
 * error keeps only the last status in its message.
 */
export function isGitlabRateLimit(error: unknown): boolean {
  return gitlabStatus(error) === 429 || (error instanceof GitbeakerRetryError && /last status code: 429\b/.test(error.message));
}

/** "Not now" rather than "never": no answer, a rate limit that outlasted the retries, a server error. */
export function isTransientGitlabError(error: unknown): boolean {
  if (!isGitlabError(error)) return false;
  const status = gitlabStatus(error);
  return status === null || status === 429 || status >= 500;
}

/** One line for a log or a stored reason: the call, GitLab's status and message; never a header. */
export function describeGitlabError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof GitbeakerTimeoutError) return "GitLab API call: no answer within the time limit (GITLAB_REQUEST_TIMEOUT_MS)";
  if (error instanceof GitbeakerRetryError) return `GitLab API call: ${error.message}`;
  if (error instanceof GitbeakerRequestError) {
    const request = error.cause?.request;
    const call = request ? `${request.method} ${pathOf(request.url)}` : "GitLab API call";
    const status = gitlabStatus(error);
    const hint = status === 401 ? " (GITLAB_TOKEN is not accepted: expired, revoked or mistyped)" : status === 403 ? " (GITLAB_TOKEN lacks the scope or the project role for this)" : "";
    return `${call}: ${status ?? "no status"} ${error.message || "(no message)"}${hint}`;
  }
  if (isGitlabError(error)) {
    const cause = (error as { cause?: unknown }).cause;
    return `GitLab could not be reached (${cause instanceof Error ? cause.message : error.message}); check GITLAB_URL`;
  }
  return error.message;
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}
