// Completes release commit ranges that webhooks left incomplete (a push Shiplog never received,
// a range longer than a push's commit list) from GitHub's compare API: the commits between the
// previous release's commit and this one's are stored with their real parents, and the release
// (and any other release those commits extend) is relinked by ancestry. What cannot be completed stays commits_complete = false, with the reason
// in commits_incomplete_reason; those are asked again after `recheckAfterMs`.
import { z } from "zod";
import type { Db } from "../db/client";
import type { CommitToRecord } from "../commits/record-commits";
import { findIncompleteRanges, type IncompleteRange } from "../trace/find-incomplete-ranges";
import { storeCompletedRange } from "../trace/store-completed-range";
import { cachedGet } from "./cached-get";
import { describeGithubError, githubStatus, isGithubError, isTransientGithubError, type GithubClient } from "./github-client";

const COMPARE = "GET /repos/{owner}/{repo}/compare/{basehead}";
const PER_PAGE = 100;

const sha = z
  .string()
  .regex(/^[0-9a-fA-F]{40}$/)
  .transform((value) => value.toLowerCase());

// The fields of GitHub's commit object Shiplog keeps. Dates stay strings so that a cached body
// parses again unchanged.
const githubCommit = z.object({
  sha,
  commit: z.object({
    message: z.string(),
    author: z.object({ name: z.string().nullish(), date: z.string().nullish() }).nullish(),
    committer: z.object({ date: z.string().nullish() }).nullish(),
  }),
  // Null when the commit's e-mail belongs to no GitHub account.
  author: z.object({ login: z.string() }).nullish(),
  parents: z.array(z.object({ sha })),
});
type GithubCommit = z.infer<typeof githubCommit>;

const comparison = z.object({
  status: z.enum(["diverged", "ahead", "behind", "identical"]),
  ahead_by: z.number().int(),
  behind_by: z.number().int(),
  total_commits: z.number().int(),
  base_commit: githubCommit,
  commits: z.array(githubCommit),
});
type Comparison = z.infer<typeof comparison>;

export type CompleteReleaseRangesOptions = {
  /** Releases examined per run (newest incomplete ones first). */
  limit?: number;
  /** Longest range fetched; a longer one stays incomplete ("too large"). */
  maxCommits?: number;
  /** How long a release that could not be completed waits before it is asked again. */
  recheckAfterMs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
};

export type CompleteReleaseRangesResult = {
  examined: number;
  completed: number;
  /** Left incomplete, with a reason stored. */
  incomplete: number;
  /** Requests answered 304 from the cache. */
  cached: number;
  /** Why the run stopped early (a rate limit, GitHub unreachable, a bad credential), else null. */
  stoppedBy: string | null;
};

type Candidate = IncompleteRange;

export async function completeReleaseRanges(
  db: Db,
  github: GithubClient,
  options: CompleteReleaseRangesOptions = {},
): Promise<CompleteReleaseRangesResult> {
  const limit = options.limit ?? 50;
  const maxCommits = options.maxCommits ?? 1000;
  const recheckBefore = new Date(Date.now() - (options.recheckAfterMs ?? 6 * 3600_000));
  const log = options.log ?? (() => undefined);
  const result: CompleteReleaseRangesResult = { examined: 0, completed: 0, incomplete: 0, cached: 0, stoppedBy: null };

  const candidates = await findIncompleteRanges(db, { repositories: { forge: "github" }, limit, recheckBefore });

  for (const release of candidates) {
    if (options.signal?.aborted) break;
    result.examined += 1;
    let outcome: { complete: boolean; reason: string | null };
    try {
      outcome = await completeOne(db, github, release, maxCommits, result, options.signal);
    } catch (error) {
      if (!(error instanceof z.ZodError) && !isGithubError(error)) throw error; // Shiplog's own failure: the run fails
      if (isGithubError(error) && (isTransientGithubError(error) || githubStatus(error) === 401)) {
        // Not this release's fault: leave it unmarked and let the next run try again.
        result.examined -= 1;
        result.stoppedBy = describeGithubError(error);
        break;
      }
      outcome = { complete: false, reason: failureReason(release, error) };
    }
    await db.release.update({
      where: { id: release.id },
      data: { commitsIncompleteReason: outcome.complete ? null : outcome.reason, commitsCheckedAt: new Date() },
    });
    if (outcome.complete) result.completed += 1;
    else {
      result.incomplete += 1;
      log(`release ${release.version} (${release.repository}) stays incomplete: ${outcome.reason}`);
    }
  }
  return result;
}

async function completeOne(
  db: Db,
  github: GithubClient,
  release: Candidate,
  maxCommits: number,
  result: CompleteReleaseRangesResult,
  signal: AbortSignal | undefined,
): Promise<{ complete: boolean; reason: string | null }> {
  const [owner, repo, ...rest] = (release.repository ?? "").split("/");
  if (!owner || !repo || rest.length > 0) return { complete: false, reason: `the service's repository "${release.repository}" is not owner/name` };
  const fetchPage = async (page: number): Promise<Comparison> => {
    const params = { owner, repo, basehead: `${release.base}...${release.head}`, per_page: PER_PAGE, page };
    const response = await cachedGet(db, github, COMPARE, params, comparison, { signal });
    if (response.fromCache) result.cached += 1;
    return response.data;
  };

  const first = await fetchPage(1);
  if (first.total_commits > maxCommits) {
    return { complete: false, reason: `the range has ${first.total_commits} commits, more than the ${maxCommits} Shiplog fetches` };
  }
  const commits = [...first.commits];
  const pages = Math.ceil(first.total_commits / PER_PAGE);
  for (let page = 2; page <= pages; page += 1) {
    const next = await fetchPage(page);
    if (next.commits.length === 0) break;
    commits.push(...next.commits);
  }

  // GitHub lists what head has and the previous release has not, from their merge base on; the
  // merge base is stored too.
  const toStore = [...commits, first.base_commit].map(toCommitRecord);
  return storeCompletedRange(db, { id: release.id, repository: release.repository! }, toStore);
}

function toCommitRecord(commit: GithubCommit): CommitToRecord {
  const date = commit.commit.committer?.date ?? commit.commit.author?.date;
  return {
    sha: commit.sha,
    parentShas: commit.parents.map((parent) => parent.sha),
    message: commit.commit.message,
    authorName: commit.commit.author?.name ?? null,
    authorLogin: commit.author?.login ?? null,
    timestamp: date ? new Date(date) : new Date(0),
  };
}

function failureReason(release: Candidate, error: unknown): string {
  if (error instanceof z.ZodError) return `GitHub's compare answer had an unexpected shape (${error.issues[0]?.path.join(".")}: ${error.issues[0]?.message})`;
  const status = githubStatus(error);
  if (status === 404) {
    return `GitHub answered 404 for ${release.repository} ${short(release.base)}...${short(release.head)}: the repository or a commit is unknown, or not readable with the configured credential`;
  }
  return describeGithubError(error);
}

const short = (value: string) => value.slice(0, 12);
