// The commits a release page lists, each with the pull requests that carried it (and their
// ticket keys): one read of pull_request_commits by the listed commits' ids, shared by
// getRelease (what a release added) and compareReleases (what lies between two releases).
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { PullRequestState } from "../generated/prisma/enums";
import { safeHref } from "../links/web-url";

export const releaseCommitSchema = z.object({
  sha: z.string(),
  repository: z.string(),
  message: z.string(),
  authorLogin: z.string().nullable(),
  authorName: z.string().nullable(),
  committedAt: z.date(),
  pullRequests: z.array(
    z.object({
      repository: z.string(),
      number: z.number().int(),
      title: z.string(),
      state: z.enum(PullRequestState),
      url: z.string().nullable(),
      authorLogin: z.string().nullable(),
      ticketKeys: z.array(z.string()),
    }),
  ),
});

export type ReleaseCommit = z.output<typeof releaseCommitSchema>;

export type CommitRow = {
  id: number;
  sha: string;
  repository: string;
  message: string;
  author_login: string | null;
  author_name: string | null;
  committed_at: Date;
};

type PullRequestRow = {
  commit_id: number;
  repository: string;
  number: number;
  title: string;
  state: PullRequestState;
  url: string | null;
  author_login: string | null;
  ticket_keys: string[];
};

/** The commits in the given order, each with its pull requests (by repository and number). */
export async function attachPullRequests(db: DbOrTx, commits: CommitRow[]): Promise<ReleaseCommit[]> {
  const ids = commits.map((commit) => commit.id);
  const pullRequests =
    ids.length === 0
      ? []
      : await db.$queryRaw<PullRequestRow[]>`
          SELECT pc.commit_id, p.repository, p.number, p.title, p.state::text AS state, p.url, p.author_login, p.ticket_keys
          FROM pull_request_commits pc
          JOIN pull_requests p ON p.id = pc.pull_request_id
          WHERE pc.commit_id = ANY(${ids}::int[])
          ORDER BY p.repository, p.number`;
  const byCommit = new Map<number, PullRequestRow[]>();
  for (const pullRequest of pullRequests) byCommit.set(pullRequest.commit_id, [...(byCommit.get(pullRequest.commit_id) ?? []), pullRequest]);
  return commits.map((commit) => ({
    sha: commit.sha,
    repository: commit.repository,
    message: commit.message,
    authorLogin: commit.author_login,
    authorName: commit.author_name,
    committedAt: commit.committed_at,
    pullRequests: (byCommit.get(commit.id) ?? []).map((pullRequest) => ({
      repository: pullRequest.repository,
      number: pullRequest.number,
      title: pullRequest.title,
      state: pullRequest.state,
      // A URL stored before links were checked (issue 14, finding 8) is no URL.
      url: safeHref(pullRequest.url),
      authorLogin: pullRequest.author_login,
      ticketKeys: pullRequest.ticket_keys,
    })),
  }));
}
