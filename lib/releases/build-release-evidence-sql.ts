// The evidence that names the commit a release was built from, as SQL, strongest first. One
// definition serves both moments a release learns its commit: when it is seen (recordRelease,
// over the identity Argo CD reported) and when evidence arrives after it (rederiveReleaseCommits,
// over stored release rows), so the answer cannot depend on which came first.
//
//   1. a full SHA as the tag                     the tag names the commit
//   2. a build of the image's digest             a digest names content, whatever tag or registry it
//                                                was pushed under; when reproducible builds give two
//                                                commits the same digest, the earliest build's
//   3. a build of image:tag                      CI's word for the tag (tags can be moved: below 2)
//   4. an abbreviated SHA as the tag             only when exactly one stored commit has it
//   5. Argo CD's Argocd-reference-commit-sha     on the config commit the sync applied
import { Prisma } from "../generated/prisma/client";
import { SHA_TAG } from "./identify-release";

/** SQL expressions (typed, or null) for what is known of the release. */
export type EvidenceSubject = {
  image: Prisma.Sql;
  tag: Prisma.Sql;
  digest: Prisma.Sql;
  /** The SHA in the tag (SHA_TAG's group), full or abbreviated; null when the tag is none. */
  shaFromTag: Prisma.Sql;
  /** The service's repository: an abbreviated SHA is only matched inside it; null when unknown. */
  repository: Prisma.Sql;
};

export type ReleaseEvidenceSql = {
  byFullSha: Prisma.Sql;
  byDigest: Prisma.Sql;
  byTagBuild: Prisma.Sql;
  /** A subquery (use as a FROM item): up to two commits the abbreviated SHA could name. */
  shaCandidates: Prisma.Sql;
};

export function buildReleaseEvidenceSql(subject: EvidenceSubject): ReleaseEvidenceSql {
  const { image, tag, digest, shaFromTag: sha, repository } = subject;
  return {
    byFullSha: Prisma.sql`CASE WHEN length(${sha}) = 40 THEN ${sha} END`,
    byDigest: Prisma.sql`(SELECT b.commit_sha FROM builds b WHERE b.digest = ${digest} ORDER BY b.built_at, b.commit_sha LIMIT 1)`,
    byTagBuild: Prisma.sql`(SELECT b.commit_sha FROM builds b WHERE b.image = ${image} AND b.tag = ${tag} LIMIT 1)`,
    // A range on commits' sha index; two rows are enough to tell one from many.
    shaCandidates: Prisma.sql`(SELECT c.sha FROM commits c WHERE c.sha >= ${sha} AND c.sha < ${sha} || 'g'
      AND (${repository} IS NULL OR c.repository = ${repository}) GROUP BY c.sha LIMIT 2)`,
  };
}

/** The SHA in a stored tag (SHA_TAG's group), as SQL over a text expression. */
export const shaFromTagSql = (tag: Prisma.Sql) => Prisma.sql`substring(${tag} from ${SHA_TAG.source}::text)`;
