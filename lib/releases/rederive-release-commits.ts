// Evidence that arrives after a release was seen (a build report, a published package, a push
// redelivered hours later) re-derives the release's commit from everything stored, ranked as in
// lib/releases/build-release-evidence-sql.ts, so the final commit is the one in-order delivery
// gives:
//   - a release without a commit takes the strongest evidence's;
//   - a commit only weaker evidence vouches for (or none stored: a moved tag, a trailer of a
//     config revision no deployment kept) gives way to stronger evidence;
//   - an abbreviated SHA that a later commit made ambiguous stops counting: a release that took
//     its commit from it alone goes back to its other evidence, else to no commit, exactly as if
//     both commits had been known when it was seen. (Git abbreviates to a unique prefix when the
//     tag is made; a 7-digit prefix shared later is rare, but arrival order must not decide it.)
// Releases whose commit changed are relinked.
import type { DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { relinkRelease } from "../trace/link-release-commits";
import { buildReleaseEvidenceSql, shaFromTagSql } from "./build-release-evidence-sql";

/**
 * `candidates` is a query selecting the `id` of the releases the new evidence concerns.
 * Returns the releases whose commit changed.
 */
export async function rederiveReleaseCommits(db: DbOrTx, candidates: Prisma.Sql): Promise<number[]> {
  const evidence = buildReleaseEvidenceSql({
    image: Prisma.sql`r.image`,
    tag: Prisma.sql`r.image_tag`,
    digest: Prisma.sql`r.image_digest`,
    shaFromTag: Prisma.sql`tag.sha`,
    repository: Prisma.sql`s.repository`,
  });
  const changed = await db.$queryRaw<{ id: number }[]>`
    -- Materialized: the releases are then read by primary key, not scanned for a semi-join.
    WITH concerned AS MATERIALIZED (${candidates}), evidence AS (
      SELECT r.id, r.commit_sha AS current, tag.sha AS tag_sha, abbreviated.matches,
        ${evidence.byFullSha} AS by_full_sha, ${evidence.byDigest} AS by_digest, ${evidence.byTagBuild} AS by_tag_build,
        CASE WHEN abbreviated.matches = 1 THEN abbreviated.sha END AS by_abbreviated_sha,
        -- The trailer of a config revision the release was deployed with, else one now running it.
        COALESCE(
          (SELECT c.referenced_sha FROM deployments d JOIN commits c ON c.sha = d.revision AND c.referenced_sha IS NOT NULL
           WHERE d.service_id = r.service_id AND d.release_id = r.id ORDER BY d.started_at, d.id LIMIT 1),
          (SELECT c.referenced_sha FROM applications a JOIN commits c ON c.sha = a.synced_revision AND c.referenced_sha IS NOT NULL
           WHERE a.current_release_id = r.id ORDER BY a.id LIMIT 1)) AS by_trailer
      FROM (SELECT DISTINCT id FROM concerned) concerned
      JOIN releases r ON r.id = concerned.id
      JOIN services s ON s.id = r.service_id
      CROSS JOIN LATERAL (SELECT ${shaFromTagSql(Prisma.sql`r.image_tag`)} AS sha) tag
      CROSS JOIN LATERAL (SELECT min(sha) AS sha, count(*)::int AS matches FROM ${evidence.shaCandidates} AS matching) abbreviated
    ), ranked AS (
      SELECT id, current, tag_sha, matches,
        COALESCE(by_full_sha, by_digest, by_tag_build, by_abbreviated_sha, by_trailer) AS best,
        CASE WHEN by_full_sha IS NOT NULL THEN 1 WHEN by_digest IS NOT NULL THEN 2 WHEN by_tag_build IS NOT NULL THEN 3
             WHEN by_abbreviated_sha IS NOT NULL THEN 4 WHEN by_trailer IS NOT NULL THEN 5 END AS best_rank,
        -- The strongest evidence vouching for the current commit; 6: none stored, 7: no commit.
        CASE WHEN current IS NULL THEN 7 WHEN current = by_full_sha THEN 1 WHEN current = by_digest THEN 2
             WHEN current = by_tag_build THEN 3 WHEN current = by_abbreviated_sha THEN 4 WHEN current = by_trailer THEN 5
             ELSE 6 END AS current_rank
      FROM evidence
    )
    UPDATE releases r SET commit_sha = ranked.best
    FROM ranked
    WHERE r.id = ranked.id AND (
      ranked.best_rank < ranked.current_rank
      -- Nothing else vouches for a commit read from an abbreviated SHA two commits now have.
      OR (ranked.best IS NULL AND ranked.current_rank = 6 AND ranked.matches > 1 AND starts_with(ranked.current, ranked.tag_sha)))
    RETURNING r.id`;
  const ids = changed.map((row) => row.id).sort((a, b) => a - b);
  for (const id of ids) await relinkRelease(db, id);
  return ids;
}
