// Stores commits of one repository with their first parents, and links them to pull requests
// already known to have merged as them. Used for pushes (parents inferred from the order of the
// pushed commits) and for GitHub's compare API (parents as GitHub reports them).
import type { DbOrTx } from "../db/client";
import { referencedCommitSha } from "./reference-trailer";

export type CommitToRecord = {
  sha: string;
  /** First parent; null for a root commit or when unknown. */
  parentSha: string | null;
  message: string;
  authorName?: string | null;
  authorLogin?: string | null;
  timestamp: Date;
};

export type RecordCommitsOptions = {
  /**
   * The parents are GitHub's own (commit.parents[0]) rather than inferred from a push's order:
   * they replace a stored parent. An inferred parent never replaces a stored one, so a
   * force-push re-sending a commit cannot erase what was learned.
   */
  exactParents?: boolean;
  /**
   * Also report the releases these commits let link further (a push's commits): those built from
   * one of them, and incomplete ones whose walk stopped at a commit whose parent is one of them.
   */
  findReleasesToRelink?: boolean;
};

export type RecordedCommits = {
  commits: number;
  /** SHAs whose stored first parent this call changed (only with exactParents). */
  reparented: string[];
  /** With findReleasesToRelink: up to 50 such releases. */
  releasesToRelink?: number[];
};

export async function recordCommits(
  db: DbOrTx,
  repository: string,
  commits: CommitToRecord[],
  options: RecordCommitsOptions = {},
): Promise<RecordedCommits> {
  // One row per SHA: ON CONFLICT cannot update the same row twice in one statement.
  const rows = [...new Map(commits.map((commit) => [commit.sha, commit])).values()];
  if (rows.length === 0) return { commits: 0, reparented: [] };
  const shas = rows.map((row) => row.sha);
  const exact = options.exactParents === true;
  // One statement (one round trip per push). `old` and every table read see the rows as they
  // were before it (all CTEs share one snapshot); `upserted` holds what this statement wrote.
  const [result] = await db.$queryRaw<{ reparented: string[]; releases: number[] }[]>`
    WITH input AS (
      SELECT * FROM unnest(
        ${shas}::varchar[], ${rows.map((row) => row.parentSha)}::varchar[], ${rows.map((row) => row.message)}::text[],
        ${rows.map((row) => row.authorName ?? null)}::text[], ${rows.map((row) => row.authorLogin ?? null)}::text[],
        ${rows.map((row) => row.timestamp)}::timestamptz[], ${rows.map((row) => referencedCommitSha(row.message) ?? null)}::varchar[]
      ) AS t(sha, parent_sha, message, author_name, author_login, committed_at, referenced_sha)
    ), old AS (
      SELECT c.sha, c.parent_sha FROM commits c WHERE c.repository = ${repository} AND c.sha = ANY(${shas}::varchar[])
    ), upserted AS (
      INSERT INTO commits (repository, sha, parent_sha, message, author_name, author_login, committed_at, referenced_sha)
      SELECT ${repository}, sha, parent_sha, message, author_name, author_login, committed_at, referenced_sha FROM input
      ON CONFLICT (repository, sha) DO UPDATE SET parent_sha =
        CASE WHEN ${exact} THEN COALESCE(EXCLUDED.parent_sha, commits.parent_sha) ELSE COALESCE(commits.parent_sha, EXCLUDED.parent_sha) END
      RETURNING id, sha, parent_sha
    ), linked AS (
      -- Pull requests already known to have merged as one of these commits.
      INSERT INTO pull_request_commits (pull_request_id, commit_id)
      SELECT p.id, u.id FROM pull_requests p JOIN upserted u ON u.sha = p.merge_commit_sha
      WHERE p.repository = ${repository} AND p.merge_commit_sha = ANY(${shas}::varchar[])
      ON CONFLICT DO NOTHING
    )
    SELECT
      ARRAY(SELECT u.sha FROM upserted u JOIN old o ON o.sha = u.sha
            WHERE o.parent_sha IS NOT NULL AND o.parent_sha IS DISTINCT FROM u.parent_sha) AS reparented,
      ARRAY(
        SELECT r.id FROM releases r WHERE ${options.findReleasesToRelink === true} AND r.commit_sha = ANY(${shas}::varchar[])
        UNION
        -- A commit's parent as this statement left it: upserted's for the commits written here.
        SELECT rc.release_id FROM release_commits rc
        JOIN releases r ON r.id = rc.release_id AND r.commits_complete = false
        JOIN commits c ON c.id = rc.commit_id
        LEFT JOIN upserted u ON u.id = c.id
        WHERE ${options.findReleasesToRelink === true} AND c.repository = ${repository}
          AND COALESCE(u.parent_sha, c.parent_sha) = ANY(${shas}::varchar[])
        LIMIT 50) AS releases`;
  return {
    commits: rows.length,
    reparented: result!.reparented,
    ...(options.findReleasesToRelink ? { releasesToRelink: result!.releases } : {}),
  };
}
