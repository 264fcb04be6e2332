// Completes the release commit ranges of GitLab projects (named `<host>/<path>`) that webhooks
// left incomplete (a push Shiplog never received, a push of more than the 20 commits GitLab
// lists) from GitLab's compare API, as lib/github/complete-release-ranges.ts does for GitHub:
// `GET /projects/:id/repository/compare?from=<previous release>&to=<release>` (from their merge
// base, `straight=false`) gives the commits with their parents, and
// `GET /projects/:id/repository/merge_base` the merge base, stored too so the walk meets the
// previous release's history. The range is then decided by ancestry over the stored graph.
import { z } from "zod";
import type { Db } from "../db/client";
import type { CommitToRecord } from "../commits/record-commits";
import { findIncompleteRanges, type IncompleteRange } from "../trace/find-incomplete-ranges";
import { storeCompletedRange } from "../trace/store-completed-range";
import { describeGitlabError, gitlabProjectPath, gitlabStatus, isGitlabError, isTransientGitlabError, type GitlabAccess, type GitlabApi } from "./gitlab-client";

const sha = z
  .string()
  .regex(/^[0-9a-fA-F]{40}$/)
  .transform((value) => value.toLowerCase());

// GitLab's commit entity (API::Entities::Commit), the fields Shiplog keeps.
const gitlabCommit = z.object({
  id: sha,
  message: z.string().nullish(),
  title: z.string().nullish(),
  author_name: z.string().nullish(),
  committed_date: z.string().nullish(),
  authored_date: z.string().nullish(),
  created_at: z.string().nullish(),
  parent_ids: z.array(sha),
});
type GitlabCommit = z.infer<typeof gitlabCommit>;

const comparison = z.object({
  commits: z.array(gitlabCommit),
  // True when GitLab gave up computing the comparison: its list is then not to be trusted.
  compare_timeout: z.boolean().nullish(),
});

export type CompleteGitlabRangesOptions = {
  limit?: number;
  /** Longest range stored; a longer one stays incomplete ("too large"). */
  maxCommits?: number;
  recheckAfterMs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
};

export type CompleteGitlabRangesResult = { examined: number; completed: number; incomplete: number; stoppedBy: string | null };

export async function completeGitlabReleaseRanges(db: Db, gitlab: GitlabAccess & { api: GitlabApi }, options: CompleteGitlabRangesOptions = {}): Promise<CompleteGitlabRangesResult> {
  const limit = options.limit ?? 50;
  const maxCommits = options.maxCommits ?? 1000;
  const recheckBefore = new Date(Date.now() - (options.recheckAfterMs ?? 6 * 3600_000));
  const log = options.log ?? (() => undefined);
  const result: CompleteGitlabRangesResult = { examined: 0, completed: 0, incomplete: 0, stoppedBy: null };
  const candidates = await findIncompleteRanges(db, { repositories: { forge: "gitlab", host: gitlab.host }, limit, recheckBefore });

  for (const release of candidates) {
    if (options.signal?.aborted) break;
    result.examined += 1;
    let outcome: { complete: boolean; reason: string | null };
    try {
      outcome = await completeOne(db, gitlab, release, maxCommits);
    } catch (error) {
      if (!(error instanceof z.ZodError) && !isGitlabError(error)) throw error; // Shiplog's own failure: the run fails
      if (isGitlabError(error) && (isTransientGitlabError(error) || gitlabStatus(error) === 401)) {
        // Not this release's fault: leave it unmarked and let the next run try again.
        result.examined -= 1;
        result.stoppedBy = describeGitlabError(error);
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

async function completeOne(db: Db, gitlab: GitlabAccess & { api: GitlabApi }, release: IncompleteRange, maxCommits: number): Promise<{ complete: boolean; reason: string | null }> {
  const repository = release.repository!;
  const project = gitlabProjectPath(repository, gitlab.host)!;
  const compared = comparison.parse(await gitlab.api.Repositories.compare(project, release.base, release.head, { straight: false }));
  if (compared.compare_timeout) return { complete: false, reason: `GitLab timed out comparing ${short(release.base)}...${short(release.head)} in ${repository}` };
  if (compared.commits.length > maxCommits) {
    return { complete: false, reason: `the range has ${compared.commits.length} commits, more than the ${maxCommits} Shiplog stores` };
  }
  const mergeBase = gitlabCommit.parse(await gitlab.api.Repositories.mergeBase(project, [release.base, release.head]));
  return storeCompletedRange(db, { id: release.id, repository }, [...compared.commits, mergeBase].map(toCommitRecord));
}

function toCommitRecord(commit: GitlabCommit): CommitToRecord {
  const date = commit.committed_date ?? commit.authored_date ?? commit.created_at;
  return {
    sha: commit.id,
    parentShas: commit.parent_ids,
    message: commit.message ?? commit.title ?? "",
    authorName: commit.author_name ?? null,
    authorLogin: null,
    timestamp: date ? new Date(date) : new Date(0),
  };
}

function failureReason(release: IncompleteRange, error: unknown): string {
  if (error instanceof z.ZodError) return `GitLab's compare answer had an unexpected shape (${error.issues[0]?.path.join(".")}: ${error.issues[0]?.message})`;
  if (gitlabStatus(error) === 404) {
    return `GitLab answered 404 for ${release.repository} ${short(release.base)}...${short(release.head)}: the project or a commit is unknown, or not readable with GITLAB_TOKEN`;
  }
  return describeGitlabError(error);
}

const short = (value: string) => value.slice(0, 12);
