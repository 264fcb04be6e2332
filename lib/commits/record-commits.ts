// Stores commits of one repository with their parents, the ticket keys and cherry-pick origin of
// their messages, and links them to pull requests already known to have merged as them. Used for
// pushes (parents inferred from the push, lib/ingest/handlers/github-push.ts) and for GitHub's
// compare API (parents as GitHub reports them). A push also says which files each commit
// touched (`paths`, for monorepos: lib/releases/service-path-filter.ts); other sources leave
// them unknown (null), and a later source never erases known ones.
import { lockRepositoryHistories } from "./lock-repository-history";
import type { DbOrTx } from "../db/client";
import { extractTicketKeys } from "../pull-requests/extract-ticket-keys";
import { cherryPickedFrom } from "./cherry-picked-from";
import { referencedCommitSha } from "./reference-trailer";

export type CommitToRecord = {
  sha: string;
  /** Parents, first parent first; [] for a root commit, null when unknown. */
  parentShas: string[] | null;
  message: string;
  authorName?: string | null;
  authorLogin?: string | null;
  timestamp: Date;
  /** Files added, modified or removed (a push's commits[]); null or absent when not known. */
  paths?: string[] | null;
};

/**
 * Files stored per commit. A commit touching more is a sweeping change (a rename, a dependency
 * bump across the tree): its files are stored as unknown, so every service counts it and says
 * it could not tell, instead of a cut list wrongly leaving it out of a service.
 */
export const MAX_COMMIT_PATHS = 300;

/** The files to store: deduplicated and sorted, or null when unknown or over the bound. */
export function boundedCommitPaths(paths: string[] | null | undefined): string[] | null {
  if (!paths) return null;
  const unique = [...new Set(paths)].sort();
  return unique.length > MAX_COMMIT_PATHS ? null : unique;
}

/** A PostgreSQL array literal of `values`, every element quoted (file names hold commas, quotes, braces). */
function textArrayLiteral(values: string[]): string {
  return `{${values.map((value) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`;
}

export type RecordCommitsOptions = {
  /**
   * The parents are GitHub's own (commit.parents) rather than inferred from a push: they replace
   * stored parents. Inferred parents never replace stored ones, so a force-push re-sending a
   * commit cannot erase what was learned.
   */
  exactParents?: boolean;
  /**
   * Also report the releases these commits let link further (a push's commits): those built from
   * one of them, and incomplete ones whose range holds one of them or a commit whose parent is
   * one of them (their walk stopped there).
   */
  findReleasesToRelink?: boolean;
};

export type RecordedCommits = {
  commits: number;
  /** SHAs whose stored parents this call changed (only with exactParents). */
  reparented: string[];
  /** With findReleasesToRelink: up to 50 such releases per repository group. */
  releasesToRelink?: number[];
};

/** Commits of one repository, as one push or one compare range brings them. */
export type RepositoryCommits = { repository: string; commits: CommitToRecord[] };

export async function recordCommits(
  db: DbOrTx,
  repository: string,
  commits: CommitToRecord[],
  options: RecordCommitsOptions = {},
): Promise<RecordedCommits> {
  return recordCommitGroups(db, [{ repository, commits }], options);
}

/**
 * Stores several groups (a batch's pushes, of one repository or many) in one statement, writing
 * exactly what storing them one group after the other, in order, writes: a commit met twice
 * keeps what it was first stored with (its message, author, time), its first known files, and
 * its first known parents (the last known with exactParents, which replace stored ones).
 */
export async function recordCommitGroups(
  db: DbOrTx,
  groups: RepositoryCommits[],
  options: RecordCommitsOptions = {},
): Promise<RecordedCommits> {
  const exact = options.exactParents === true;
  const rows = foldCommits(groups, exact);
  if (rows.length === 0) return { commits: 0, reparented: [] };
  const repositories = [...new Set(rows.map((row) => row.repository))].sort();
  const shas = rows.map((row) => row.sha);
  const find = options.findReleasesToRelink === true;
  // Releases linked meanwhile by another transaction are seen, or wait for these commits.
  await lockRepositoryHistories(db, repositories);
  // One statement (one round trip per batch). `old` and every table read see the rows as they
  // were before it (all CTEs share one snapshot); `upserted` holds what this statement wrote.
  const [result] = await db.$queryRaw<{ reparented: string[]; releases: number[] }[]>`
    WITH input AS (
      SELECT * FROM unnest(
        ${rows.map((row) => row.repository)}::varchar[],
        ${shas}::varchar[], ${rows.map((row) => (row.parentShas === null ? null : `{${row.parentShas.join(",")}}`))}::text[],
        ${rows.map((row) => row.message)}::text[],
        ${rows.map((row) => row.authorName ?? null)}::text[], ${rows.map((row) => row.authorLogin ?? null)}::text[],
        ${rows.map((row) => row.timestamp)}::timestamptz[], ${rows.map((row) => referencedCommitSha(row.message) ?? null)}::varchar[],
        ${rows.map((row) => `{${extractTicketKeys(row.message).join(",")}}`)}::text[],
        ${rows.map((row) => cherryPickedFrom(row.message) ?? null)}::varchar[],
        ${rows.map((row) => { const paths = boundedCommitPaths(row.paths); return paths === null ? null : textArrayLiteral(paths); })}::text[]
      ) AS t(repository, sha, parents, message, author_name, author_login, committed_at, referenced_sha, ticket_keys, cherry_picked_from, paths)
    ), old AS (
      SELECT c.repository, c.sha, c.parent_shas FROM commits c JOIN input i ON c.repository = i.repository AND c.sha = i.sha
    ), upserted AS (
      INSERT INTO commits (repository, sha, parent_shas, parents_exact, message, author_name, author_login, committed_at,
        referenced_sha, ticket_keys, cherry_picked_from, paths)
      SELECT repository, sha, parents::varchar[], ${exact}, message, author_name, author_login, committed_at,
        referenced_sha, ticket_keys::text[], cherry_picked_from, paths::text[] FROM input
      ON CONFLICT (repository, sha) DO UPDATE SET
        parent_shas = CASE
          WHEN ${exact} THEN COALESCE(EXCLUDED.parent_shas, commits.parent_shas)
          WHEN commits.parents_exact THEN commits.parent_shas
          ELSE COALESCE(commits.parent_shas, EXCLUDED.parent_shas) END,
        parents_exact = commits.parents_exact OR (${exact} AND EXCLUDED.parent_shas IS NOT NULL),
        -- A commit's files are its own: the first source that knows them is as good as any.
        paths = COALESCE(commits.paths, EXCLUDED.paths)
      RETURNING id, repository, sha, parent_shas
    ), linked AS (
      -- Pull requests already known to have merged as one of these commits.
      INSERT INTO pull_request_commits (pull_request_id, commit_id)
      SELECT p.id, u.id FROM upserted u JOIN pull_requests p ON p.repository = u.repository AND p.merge_commit_sha = u.sha
      WHERE p.merge_commit_sha = ANY(${shas}::varchar[])
      ON CONFLICT DO NOTHING
    )
    SELECT
      ARRAY(SELECT u.sha FROM upserted u JOIN old o ON o.repository = u.repository AND o.sha = u.sha
            WHERE o.parent_shas IS NOT NULL AND o.parent_shas IS DISTINCT FROM u.parent_shas) AS reparented,
      ARRAY(
        SELECT r.id FROM releases r WHERE ${find} AND r.commit_sha = ANY(${shas}::varchar[])
        UNION
        -- Incomplete ranges that hold one of these commits, or a commit whose parent (as this
        -- statement left it: upserted's for the commits written here) is one of them.
        SELECT rc.release_id FROM release_commits rc
        JOIN releases r ON r.id = rc.release_id AND r.commits_complete = false
        JOIN commits c ON c.id = rc.commit_id
        LEFT JOIN upserted u ON u.id = c.id
        WHERE ${find} AND c.repository = ANY(${repositories}::varchar[])
          AND (c.sha = ANY(${shas}::varchar[]) OR COALESCE(u.parent_shas, c.parent_shas) && ${shas}::varchar[])
          AND EXISTS (SELECT 1 FROM input i WHERE i.repository = c.repository
            AND (i.sha = c.sha OR i.sha = ANY(COALESCE(u.parent_shas, c.parent_shas))))
        LIMIT ${50 * groups.length}) AS releases`;
  return {
    commits: rows.length,
    reparented: result!.reparented,
    ...(find ? { releasesToRelink: result!.releases } : {}),
  };
}

type FoldedCommit = CommitToRecord & { repository: string };

/**
 * One row per repository and SHA (ON CONFLICT cannot update a row twice in one statement), as
 * storing the groups in order leaves it: the first occurrence's fields, the first known files,
 * and the first known parents (exactParents: the last known, which replace earlier ones).
 */
function foldCommits(groups: RepositoryCommits[], exact: boolean): FoldedCommit[] {
  const folded = new Map<string, FoldedCommit>();
  for (const { repository, commits } of groups) {
    for (const commit of commits) {
      const key = `${repository}\u0000${commit.sha}`;
      const first = folded.get(key);
      if (!first) {
        folded.set(key, { ...commit, repository });
        continue;
      }
      if (commit.parentShas !== null && (exact || first.parentShas === null)) first.parentShas = commit.parentShas;
      if (boundedCommitPaths(first.paths) === null) first.paths = commit.paths;
    }
  }
  return [...folded.values()];
}
