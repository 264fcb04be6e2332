// The one GitHub API client of a process: Octokit with GitHub's rate limits respected (throttling
// plugin: on a primary or secondary limit it waits and retries a bounded number of times, else
// the call fails and the job tries again at its next run), server errors and time-outs retried
// (retry plugin), and a time limit on every HTTP attempt. Authenticates with GITHUB_TOKEN or as a
// GitHub App installation. The credential never appears in a log line or an error message.
import "server-only";
import { createAppAuth } from "@octokit/auth-app";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { config, type Config } from "../env";
import { logger } from "../log/logger";

const GithubOctokit = Octokit.plugin(retry, throttling);
export type GithubClient = InstanceType<typeof GithubOctokit>;

export type GithubAuth =
  | { token: string }
  | { appId: number; privateKey: string; installationId: number };

export type GithubClientOptions = {
  /** https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise Server. */
  baseUrl: string;
  auth: GithubAuth;
  /** Time limit of one HTTP attempt, including reading the body. */
  timeoutMs?: number;
  /** Retries of a time-out, a network error or a 5xx answer (1 s, 4 s, 9 s apart). */
  retries?: number;
  /** Waits for a rate limit to reset before giving up on a call. */
  rateLimitRetries?: number;
  /** A rate limit resetting later than this fails the call at once. */
  rateLimitMaxWaitSeconds?: number;
  log?: (line: string) => void;
};

export const defaultGithubLog = (line: string) => logger("github").info(line);

export function createGithubClient(options: GithubClientOptions): GithubClient {
  const log = options.log ?? defaultGithubLog;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const rateLimitRetries = options.rateLimitRetries ?? 2;
  const maxWait = options.rateLimitMaxWaitSeconds ?? 60;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: object, octokit: object, retryCount: number): boolean => {
      // `request` holds the route template and its parameters; expanded, it names the call.
      const { method, url } = (octokit as GithubClient).request.endpoint(request as { method: string; url: string });
      const call = `${method} ${pathOf(url)}`;
      if (retryCount < rateLimitRetries && retryAfter <= maxWait) {
        log(`${kind} on ${call}: waiting ${retryAfter} s (retry ${retryCount + 1} of ${rateLimitRetries})`);
        return true;
      }
      log(`${kind} on ${call}: giving up (resets in ${retryAfter} s); the job tries again at its next run`);
      return false;
    };

  const octokit = new GithubOctokit({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    userAgent: "shiplog",
    ...("token" in options.auth
      ? { auth: options.auth.token }
      : {
          authStrategy: createAppAuth,
          auth: { appId: options.auth.appId, privateKey: options.auth.privateKey, installationId: options.auth.installationId },
        }),
    request: { fetch: fetchWithTimeLimit(timeoutMs) },
    throttle: { onRateLimit: onLimit("rate limit"), onSecondaryRateLimit: onLimit("secondary rate limit") },
    // 403 and 429 are rate limits, which the throttling plugin owns; other 4xx will not change.
    retry: { retries: options.retries ?? 2, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    // Octokit's own warnings (deprecations, plugin notices); it logs no request headers.
    log: { debug: () => undefined, info: () => undefined, warn: (message: string) => log(message), error: (message: string) => log(message) },
  });
  // The REST API version Shiplog's shapes were written against (GitHub Enterprise Server before
  // 3.9 ignores it).
  octokit.hook.before("request", (request) => {
    request.headers["x-github-api-version"] = "2022-11-28";
  });
  return octokit;
}

/** Each HTTP attempt gets its own time limit; a caller's signal (shutdown) still aborts it too. */
function fetchWithTimeLimit(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const limit = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, limit]) : limit;
    return fetch(input, { ...init, signal });
  };
}

/** The client for GITHUB_TOKEN or the GitHub App settings, or null when neither is configured. */
export function githubClientFromConfig(settings: Config, log?: (line: string) => void): GithubClient | null {
  const auth: GithubAuth | null = settings.GITHUB_TOKEN
    ? { token: settings.GITHUB_TOKEN }
    : settings.GITHUB_APP_ID && settings.GITHUB_APP_PRIVATE_KEY && settings.GITHUB_APP_INSTALLATION_ID
      ? { appId: settings.GITHUB_APP_ID, privateKey: settings.GITHUB_APP_PRIVATE_KEY, installationId: settings.GITHUB_APP_INSTALLATION_ID }
      : null;
  if (!auth) return null;
  return createGithubClient({ baseUrl: settings.GITHUB_API_URL, auth, timeoutMs: settings.GITHUB_REQUEST_TIMEOUT_MS, log });
}

let shared: GithubClient | null | undefined;

/** The process-wide client from lib/env.ts, or null when no GitHub credential is configured. */
export function githubClient(): GithubClient | null {
  if (shared === undefined) shared = githubClientFromConfig(config());
  return shared;
}

/** The HTTP status of a failed call (304 included), or null when GitHub was not reached. */
export function githubStatus(error: unknown): number | null {
  const status = (error as { status?: unknown; response?: unknown } | null)?.status;
  // Octokit reports time-outs and network errors as status 500 without a response.
  if (typeof status !== "number" || (error as { response?: unknown }).response === undefined) return null;
  return status;
}

/** An error from a GitHub call (an answer, a time-out, a network error, an abort), not from Shiplog. */
export function isGithubError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "HttpError" || name === "AbortError";
}

/** A GitHub answer that says "not now" rather than "never": a rate limit, or no answer at all. */
export function isTransientGithubError(error: unknown): boolean {
  const status = githubStatus(error);
  if (status === null) return true;
  if (status === 429 || status >= 500) return true;
  if (status !== 403) return false;
  const response = (error as { response?: { headers?: Record<string, string | undefined> } }).response;
  return response?.headers?.["x-ratelimit-remaining"] === "0" || /\bsecondary rate\b/i.test((error as Error).message);
}

/** One line for a log or a stored reason: the call, GitHub's status and message; never a header. */
export function describeGithubError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (!isGithubError(error)) return error.message;
  const request = (error as { request?: { method?: string; url?: string } }).request;
  const call = request?.method && request.url ? `${request.method} ${pathOf(request.url)}` : "GitHub API call";
  const cause = (error as { cause?: unknown }).cause;
  if (error.name === "TimeoutError" || (cause instanceof Error && cause.name === "TimeoutError")) return `${call}: no answer within the time limit`;
  if (error.name === "AbortError") return `${call}: stopped (shutting down)`;
  const status = githubStatus(error);
  return status === null ? `${call}: GitHub could not be reached (${error.message})` : `${call}: ${status} ${error.message}`;
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}
