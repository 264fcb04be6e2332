// Stores the commits of a push with their first parents (the order of a push's commits is a
// first-parent chain starting at `before`), links them to pull requests merged as them, and
// relinks releases whose commit ranges they complete.
import type { DbOrTx } from "../db/client";
import { linkReleaseAndSuccessor } from "../trace/link-release-commits";
import { referencedCommitSha } from "./reference-trailer";

export type PushedCommit = {
  sha: string;
  message: string;
  authorName?: string;
  authorLogin?: string;
  timestamp: Date;
};

export type Push = {
  repository: string;
  /** Commit the branch pointed at before the push (all zeros for a new branch). */
  before: string;
  commits: PushedCommit[];
};

const ZERO_SHA = /^0+$/;

export async function recordPush(db: DbOrTx, push: Push): Promise<{ commits: number }> {
  if (push.commits.length === 0) return { commits: 0 };
  let parent: string | null = ZERO_SHA.test(push.before) ? null : push.before;
  const rows = push.commits.map((commit) => {
    const row = {
      repository: push.repository,
      sha: commit.sha,
      parentSha: parent,
      message: commit.message,
      authorName: commit.authorName ?? null,
      authorLogin: commit.authorLogin ?? null,
      committedAt: commit.timestamp,
      referencedSha: referencedCommitSha(commit.message) ?? null,
    };
    parent = commit.sha;
    return row;
  });
  // Upsert keeps a parent once learned: a force-push re-sending a commit cannot erase it.
  const shas = rows.map((row) => row.sha);
  await db.$executeRaw`
    INSERT INTO commits (repository, sha, parent_sha, message, author_name, author_login, committed_at, referenced_sha)
    SELECT * FROM unnest(
      ${rows.map((row) => row.repository)}::text[], ${shas}::varchar[], ${rows.map((row) => row.parentSha)}::varchar[],
      ${rows.map((row) => row.message)}::text[], ${rows.map((row) => row.authorName)}::text[],
      ${rows.map((row) => row.authorLogin)}::text[], ${rows.map((row) => row.committedAt)}::timestamptz[],
      ${rows.map((row) => row.referencedSha)}::varchar[])
    ON CONFLICT (repository, sha) DO UPDATE SET parent_sha = COALESCE(commits.parent_sha, EXCLUDED.parent_sha)`;

  // Pull requests already known to have merged as one of these commits.
  await db.$executeRaw`
    INSERT INTO pull_request_commits (pull_request_id, commit_id)
    SELECT p.id, c.id FROM pull_requests p
    JOIN commits c ON c.repository = p.repository AND c.sha = p.merge_commit_sha
    WHERE p.repository = ${push.repository} AND p.merge_commit_sha = ANY(${shas}::varchar[])
    ON CONFLICT DO NOTHING`;

  // Releases built from these commits, and incomplete ones whose walk stopped at a commit
  // whose parent just arrived, can now link further.
  const releases = await db.$queryRaw<{ id: number }[]>`
    SELECT r.id FROM releases r WHERE r.commit_sha = ANY(${shas}::varchar[])
    UNION
    SELECT rc.release_id FROM release_commits rc
    JOIN releases r ON r.id = rc.release_id AND r.commits_complete = false
    JOIN commits c ON c.id = rc.commit_id
    WHERE c.repository = ${push.repository} AND c.parent_sha = ANY(${shas}::varchar[])
    LIMIT 50`;
  for (const release of releases) await linkReleaseAndSuccessor(db, release.id);
  return { commits: rows.length };
}
