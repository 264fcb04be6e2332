// Which commits a release added since the previous release of its service: walk first
// parents back from the release's commit until the previous release's commit. The range is
// complete only when that walk reaches it through commits Shiplog has stored.
import type { DbOrTx } from "../db/client";

/** Safety bound on one walk; a longer range is stored as incomplete. */
const MAX_RANGE = 1000;

type LinkResult = { commits: number; complete: boolean; next_release_id: number | null };

/**
 * Relinks one release in a single statement: find the previous release, walk, replace the
 * release's links (removing only those no longer in range), set the completeness flag, and
 * report the next release of the service, whose range starts where this one ends.
 */
export async function linkReleaseCommits(db: DbOrTx, releaseId: number): Promise<LinkResult> {
  const rows = await db.$queryRaw<LinkResult[]>`
    WITH RECURSIVE rel AS (
      SELECT id, service_id, commit_sha, first_seen_at FROM releases WHERE id = ${releaseId}
    ), previous AS (
      SELECT r.commit_sha FROM releases r, rel
      WHERE r.service_id = rel.service_id AND r.commit_sha IS NOT NULL AND (r.first_seen_at, r.id) < (rel.first_seen_at, rel.id)
      ORDER BY r.first_seen_at DESC, r.id DESC LIMIT 1
    ), walk(id, repository, sha, parent_sha, depth) AS (
      SELECT c.id, c.repository, c.sha, c.parent_sha, 1 FROM commits c, rel WHERE c.sha = rel.commit_sha
      UNION ALL
      SELECT c.id, c.repository, c.sha, c.parent_sha, w.depth + 1
      FROM walk w JOIN commits c ON c.repository = w.repository AND c.sha = w.parent_sha
      WHERE w.sha IS DISTINCT FROM (SELECT commit_sha FROM previous) AND w.depth < ${MAX_RANGE}
    ), added AS (
      SELECT DISTINCT id FROM walk WHERE sha IS DISTINCT FROM (SELECT commit_sha FROM previous)
    ), removed AS (
      DELETE FROM release_commits WHERE release_id = ${releaseId} AND commit_id NOT IN (SELECT id FROM added)
    ), inserted AS (
      INSERT INTO release_commits (release_id, commit_id) SELECT ${releaseId}, id FROM added
      ON CONFLICT DO NOTHING
    ), flagged AS (
      UPDATE releases SET commits_complete = EXISTS (SELECT 1 FROM walk WHERE sha = (SELECT commit_sha FROM previous))
      WHERE id = ${releaseId} RETURNING commits_complete
    )
    SELECT (SELECT count(*)::int FROM added) AS commits,
           COALESCE((SELECT commits_complete FROM flagged), false) AS complete,
           (SELECT r.id FROM releases r, rel
             WHERE r.service_id = rel.service_id AND r.commit_sha IS NOT NULL AND (r.first_seen_at, r.id) > (rel.first_seen_at, rel.id)
             ORDER BY r.first_seen_at, r.id LIMIT 1) AS next_release_id`;
  return rows[0] ?? { commits: 0, complete: false, next_release_id: null };
}

/** Relinks a release and the one after it, whose range a late-arriving release may have cut. */
export async function linkReleaseAndSuccessor(db: DbOrTx, releaseId: number): Promise<void> {
  const linked = await linkReleaseCommits(db, releaseId);
  if (linked.next_release_id !== null) await linkReleaseCommits(db, linked.next_release_id);
}

/**
 * Relinks after a release was seen earlier than its known first sighting and so moved up the
 * service's order: the release, its new successor, and the release that followed its old place.
 */
export async function linkMovedRelease(db: DbOrTx, releaseId: number, movedFrom: Date): Promise<void> {
  await linkReleaseAndSuccessor(db, releaseId);
  const oldSuccessor = await db.$queryRaw<{ id: number }[]>`
    SELECT r.id FROM releases r JOIN releases moved ON moved.id = ${releaseId}
    WHERE r.service_id = moved.service_id AND r.commit_sha IS NOT NULL AND r.id <> moved.id
      AND (r.first_seen_at, r.id) > (${movedFrom}::timestamptz, moved.id)
    ORDER BY r.first_seen_at, r.id LIMIT 1`;
  if (oldSuccessor[0]) await linkReleaseCommits(db, oldSuccessor[0].id);
}
