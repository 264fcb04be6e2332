// Which commits a release added, by git ancestry: the commits reachable from the release's commit
// (over every parent, so a merge brings in its pull request's commits) and not from its base
// release's, git's `base..release`. The base is the nearest release of the same service whose
// commit is an ancestor of this one's: the first met walking first parents back (the mainline),
// else the newest met on any path. Of several releases of the commit met, the first seen is the
// base (ties by version, never by arrival order), so a later re-tag of a commit (a digest-pinned
// image, GitHub's own release of it) changes no other release's base. Bases form a tree per
// service, and a release contains commit X exactly when X was added by the release or by one of
// its bases down the tree, which is how "where is commit X" answers without walking history
// (lib/trace/find-commit-locations.ts).
//
// Sighting order plays no part: a release seen late between two others takes its place by
// ancestry, and a force-push or a release branch never makes a release contain commits that are
// not in its history. The range is complete when the walk met no unknown history: every commit
// reached is stored with known parents, down to the base or a root commit.
import { lockReleaseHistory } from "../commits/lock-repository-history";
import type { DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";

/** Safety bound on one range; a longer one is stored cut, marked incomplete with the reason. */
export const MAX_RANGE = 1000;

/** Bound on the releases one relink may cascade to (a long line of releases relinked at once). */
const MAX_CASCADE = 500;

export type LinkResult = {
  commits: number;
  complete: boolean;
  /** The range or the base changed: releases based on this one may link differently now. */
  changed: boolean;
};

const UNLINKED: LinkResult = { commits: 0, complete: false, changed: false };

type Head = { id: number; service_id: number; commit_sha: string | null; repository: string | null; base_id: number | null; base_sha: string | null };

/** Links one release: finds its base, walks its range, replaces its links and completeness. */
export async function linkReleaseCommits(db: DbOrTx, releaseId: number): Promise<LinkResult> {
  const [head] = await db.$queryRaw<Head[]>`
    WITH RECURSIVE rel AS (
      SELECT r.id, r.service_id, r.commit_sha, r.first_seen_at, r.version, (
        -- The repository holding the commit; the service's own first.
        SELECT c.repository FROM commits c LEFT JOIN services s ON s.id = r.service_id
        WHERE c.sha = r.commit_sha ORDER BY (c.repository = s.repository) DESC NULLS LAST, c.repository LIMIT 1
      ) AS repository
      FROM releases r WHERE r.id = ${releaseId}
    ), first_parents(sha, parents, depth) AS (
      SELECT rel.commit_sha, c.parent_shas, 0 FROM rel LEFT JOIN commits c ON c.repository = rel.repository AND c.sha = rel.commit_sha
      WHERE rel.commit_sha IS NOT NULL
      UNION ALL
      SELECT fp.parents[1], c.parent_shas, fp.depth + 1 FROM first_parents fp
      LEFT JOIN commits c ON c.repository = (SELECT repository FROM rel) AND c.sha = fp.parents[1]
      WHERE fp.parents[1] IS NOT NULL AND fp.depth < ${MAX_RANGE}
        -- Stop at the first commit another release of the service was built from.
        AND (fp.depth = 0 OR NOT EXISTS (
          SELECT 1 FROM releases o WHERE o.service_id = (SELECT service_id FROM rel) AND o.commit_sha = fp.sha))
    ), base AS (
      -- A release of the same commit seen earlier is the base (its range is then empty).
      SELECT o.id, o.commit_sha FROM first_parents fp, rel JOIN releases o ON o.service_id = rel.service_id
      WHERE o.commit_sha = fp.sha AND o.id <> rel.id AND (fp.depth > 0 OR (o.first_seen_at, o.version COLLATE "C") < (rel.first_seen_at, rel.version COLLATE "C"))
      ORDER BY fp.depth, o.first_seen_at, o.version COLLATE "C" LIMIT 1
    )
    SELECT rel.id, rel.service_id, rel.commit_sha, rel.repository, base.id AS base_id, base.commit_sha AS base_sha
    FROM rel LEFT JOIN base ON true`;
  if (!head) return UNLINKED;
  if (head.commit_sha === null) return unlink(db, releaseId);

  let base = head.base_id === null ? null : { id: head.base_id, sha: head.base_sha! };
  if (base === null && head.commit_sha !== null && head.repository !== null) {
    // No release on the first-parent line: the newest release met on any other path.
    base = await findSideBase(db, head);
  }
  return writeRange(db, head, base);
}

/** A release whose commit is not known (or no longer: evidence turned out ambiguous) adds nothing. */
async function unlink(db: DbOrTx, releaseId: number): Promise<LinkResult> {
  const [row] = await db.$queryRaw<{ removed: number; base_changed: boolean }[]>`
    WITH removed AS (DELETE FROM release_commits WHERE release_id = ${releaseId} RETURNING 1),
    old AS (SELECT base_release_id FROM releases WHERE id = ${releaseId}),
    flagged AS (
      UPDATE releases SET base_release_id = NULL, commits_complete = false, commits_incomplete_reason = NULL WHERE id = ${releaseId}
    )
    SELECT (SELECT count(*)::int FROM removed) AS removed, (SELECT base_release_id FROM old) IS NOT NULL AS base_changed`;
  return { ...UNLINKED, changed: row!.removed > 0 || row!.base_changed };
}

/** The newest release of the service whose commit the all-parents walk meets first. */
async function findSideBase(db: DbOrTx, head: Head): Promise<{ id: number; sha: string } | null> {
  const [found] = await db.$queryRaw<{ id: number; commit_sha: string }[]>`
    WITH RECURSIVE walk(sha, parents, is_release) AS (
      SELECT c.sha, c.parent_shas, false FROM commits c WHERE c.repository = ${head.repository} AND c.sha = ${head.commit_sha}
      UNION
      SELECT c.sha, c.parent_shas,
        EXISTS (SELECT 1 FROM releases o WHERE o.service_id = ${head.service_id} AND o.commit_sha = c.sha AND o.id <> ${head.id})
      FROM (SELECT * FROM walk WHERE NOT is_release) w CROSS JOIN LATERAL unnest(w.parents) AS p(sha)
      JOIN commits c ON c.repository = ${head.repository} AND c.sha = p.sha
    ), met AS (SELECT sha FROM (SELECT * FROM walk LIMIT ${MAX_RANGE}) bounded WHERE is_release)
    SELECT o.id, o.commit_sha FROM met JOIN releases o ON o.service_id = ${head.service_id} AND o.commit_sha = met.sha
    ORDER BY o.first_seen_at DESC, o.version COLLATE "C" DESC LIMIT 1`;
  return found ? { id: found.id, sha: found.commit_sha } : null;
}

type WriteRow = {
  commits: number;
  truncated: boolean;
  head_stored: boolean;
  unknown_parents: string | null;
  missing_parent: string | null;
  removed: number;
  inserted: number;
  base_changed: boolean;
};

/**
 * Walks base..release over every parent and stores it in one statement: the walk stops at
 * commits the base contains (its commit and the ranges of its chain of bases).
 */
async function writeRange(db: DbOrTx, head: Head, base: { id: number; sha: string } | null): Promise<LinkResult> {
  const [row] = await db.$queryRaw<WriteRow[]>`
    WITH RECURSIVE chain(id, depth) AS (
      SELECT ${base?.id ?? null}::int, 0 WHERE ${base?.id ?? null}::int IS NOT NULL
      UNION ALL
      SELECT r.base_release_id, chain.depth + 1 FROM chain JOIN releases r ON r.id = chain.id
      WHERE r.base_release_id IS NOT NULL AND chain.depth < 100000
    ),
    walk(id, sha, parents) AS (
      SELECT c.id, c.sha, c.parent_shas FROM commits c
      WHERE c.repository = ${head.repository} AND c.sha = ${head.commit_sha} AND c.sha IS DISTINCT FROM ${base?.sha ?? null}
      UNION
      SELECT c.id, c.sha, c.parent_shas FROM walk w CROSS JOIN LATERAL unnest(w.parents) AS p(sha)
      JOIN commits c ON c.repository = ${head.repository} AND c.sha = p.sha
      WHERE c.sha IS DISTINCT FROM ${base?.sha ?? null}
        AND NOT EXISTS (SELECT 1 FROM release_commits rc WHERE rc.commit_id = c.id AND rc.release_id IN (SELECT id FROM chain))
    ), walked AS (SELECT * FROM walk LIMIT ${MAX_RANGE + 1}),
    added AS (SELECT id FROM walked LIMIT ${MAX_RANGE}),
    old AS (SELECT base_release_id FROM releases WHERE id = ${head.id}),
    removed AS (
      DELETE FROM release_commits WHERE release_id = ${head.id} AND commit_id NOT IN (SELECT id FROM added) RETURNING 1
    ), inserted AS (
      INSERT INTO release_commits (release_id, commit_id) SELECT ${head.id}, id FROM added
      ON CONFLICT DO NOTHING RETURNING 1
    ), facts AS (
      SELECT
        (SELECT count(*)::int FROM added) AS commits,
        (SELECT count(*) > ${MAX_RANGE} FROM walked) AS truncated,
        EXISTS (SELECT 1 FROM commits WHERE repository = ${head.repository} AND sha = ${head.commit_sha}) AS head_stored,
        (SELECT min(sha) FROM walked WHERE parents IS NULL) AS unknown_parents,
        (SELECT min(p.sha) FROM walked w CROSS JOIN LATERAL unnest(w.parents) AS p(sha)
          WHERE NOT EXISTS (SELECT 1 FROM commits c WHERE c.repository = ${head.repository} AND c.sha = p.sha)) AS missing_parent
    ), flagged AS (
      UPDATE releases SET base_release_id = ${base?.id ?? null},
        commits_complete = (SELECT head_stored AND NOT truncated AND unknown_parents IS NULL AND missing_parent IS NULL FROM facts),
        commits_incomplete_reason = (SELECT CASE
          WHEN NOT head_stored THEN 'commit ' || left(${head.commit_sha}::text, 12) || ' has not been received yet (no push or comparison listed it)'
          WHEN truncated THEN 'more than ${Prisma.raw(String(MAX_RANGE))} commits since ' || ${base === null ? "the oldest known commit" : "the base release"}::text || ': the newest ${Prisma.raw(String(MAX_RANGE))} are listed'
          WHEN unknown_parents IS NOT NULL THEN 'the parents of ' || left(unknown_parents, 12) || ' are not known (the first commit of a new branch or of a forced push)'
          WHEN missing_parent IS NOT NULL THEN 'history before ' || left(missing_parent, 12) || ' has not been received'
          END FROM facts)
      WHERE id = ${head.id}
    )
    SELECT facts.*, (SELECT count(*)::int FROM removed) AS removed, (SELECT count(*)::int FROM inserted) AS inserted,
      (SELECT base_release_id FROM old) IS DISTINCT FROM ${base?.id ?? null}::int AS base_changed
    FROM facts`;
  const facts = row!;
  const complete = head.commit_sha !== null && facts.head_stored && !facts.truncated && facts.unknown_parents === null && facts.missing_parent === null;
  return {
    commits: facts.commits,
    complete,
    changed: facts.removed > 0 || facts.inserted > 0 || facts.base_changed,
  };
}

/**
 * Links a release, then every release whose range or base it may change: releases whose range
 * holds its commit (it now lies between them and their base), releases of the same commit and
 * those based on them (the first seen of a commit's releases is the base), and, when its own range
 * changed, the releases based on it (their walks stop at its range).
 */
export async function relinkRelease(db: DbOrTx, releaseId: number): Promise<void> {
  // Commits being stored by another transaction are waited for (the cascade stays in the service).
  await lockReleaseHistory(db, releaseId);
  const queue = [releaseId];
  const seen = new Set<number>();
  while (queue.length > 0 && seen.size < MAX_CASCADE) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const linked = await linkReleaseCommits(db, id);
    const dependents = await db.$queryRaw<{ id: number }[]>`
      WITH r AS (SELECT id, service_id, commit_sha FROM releases WHERE id = ${id} AND commit_sha IS NOT NULL)
      SELECT o.id FROM r JOIN releases o ON o.service_id = r.service_id AND o.commit_sha = r.commit_sha AND o.id <> r.id
      UNION
      SELECT rc.release_id FROM r JOIN commits c ON c.sha = r.commit_sha JOIN release_commits rc ON rc.commit_id = c.id
      JOIN releases o ON o.id = rc.release_id AND o.service_id = r.service_id AND o.id <> r.id
      UNION
      SELECT o.id FROM releases o WHERE ${linked.changed} AND o.base_release_id = ${id}
      UNION
      -- Releases based on another release of the same commit: the first seen of them is their base.
      SELECT o.id FROM r JOIN releases sibling ON sibling.service_id = r.service_id AND sibling.commit_sha = r.commit_sha AND sibling.id <> r.id
      JOIN releases o ON o.base_release_id = sibling.id AND o.id <> r.id
      ORDER BY 1`;
    for (const dependent of dependents) if (!seen.has(dependent.id)) queue.push(dependent.id);
  }
}
