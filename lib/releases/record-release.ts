// Finds or creates the release an application runs, and learns which commit it was built from.
import type { DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { buildReleaseEvidenceSql } from "./build-release-evidence-sql";
import type { ReleaseIdentity } from "./identify-release";

export type RecordedRelease = { id: number; firstSeenAt: Date; commitSha: string | null; changed: boolean; movedFrom: Date | null };

/**
 * The commit a release was built from, by the strongest evidence available
 * (lib/releases/build-release-evidence-sql.ts): a full SHA tag, a build of its digest or of
 * image:tag, an abbreviated SHA tag that matches one known commit, or Argo CD's
 * `Argocd-reference-commit-sha` trailer on the config commit.
 */
export async function resolveReleaseCommit(
  db: DbOrTx,
  identity: ReleaseIdentity,
  configRevision: string | null,
  /** The service's repository, when known: an abbreviated SHA is only matched inside it. */
  repository: string | null = null,
): Promise<string | null> {
  if (identity.shaFromTag?.length === 40) return identity.shaFromTag;
  const rows = await db.$queryRaw<{ sha: string | null }[]>`SELECT ${releaseCommitEvidence(identity, configRevision, repository)} AS sha`;
  return rows[0]?.sha ?? null;
}

/** resolveReleaseCommit's lookup as one SQL expression (null when nothing vouches for a commit). */
function releaseCommitEvidence(identity: ReleaseIdentity, configRevision: string | null, repository: string | null): Prisma.Sql {
  if (identity.shaFromTag?.length === 40) return Prisma.sql`${identity.shaFromTag}::varchar`;
  const evidence = buildReleaseEvidenceSql({
    image: Prisma.sql`${identity.image}::text`,
    tag: Prisma.sql`${identity.tag ?? null}::text`,
    digest: Prisma.sql`${identity.digest ?? null}::text`,
    shaFromTag: Prisma.sql`${identity.shaFromTag ?? null}::text`,
    repository: Prisma.sql`${repository}::text`,
  });
  // The first that answers, strongest first; a prefix counts only when exactly one commit has it.
  return Prisma.sql`COALESCE(
    ${evidence.byDigest},
    ${evidence.byTagBuild},
    (SELECT min(sha) FROM ${evidence.shaCandidates} AS candidates HAVING count(*) = 1),
    (SELECT referenced_sha FROM commits WHERE sha = ${configRevision} AND referenced_sha IS NOT NULL LIMIT 1))`;
}

/**
 * Upserts the release by (service, version). `firstSeenAt` only moves earlier, and a commit,
 * once known, is kept. `changed` says whether the release is new or gained its commit, which
 * is when its commit range needs (re)linking. `movedFrom` is the first sighting it had when this
 * one came earlier: its place among the service's releases changed (null when it did not).
 */
export async function recordRelease(
  db: DbOrTx,
  input: {
    serviceId: number;
    identity: ReleaseIdentity;
    seenAt: Date;
    commitSha: string | null;
    /** Without a commitSha: resolve it as resolveReleaseCommit does, in the same statement (one round trip). */
    resolveCommit?: { configRevision: string | null; repository: string | null };
  },
): Promise<RecordedRelease> {
  const { serviceId, identity, seenAt, resolveCommit } = input;
  const commitSha =
    input.commitSha === null && resolveCommit
      ? releaseCommitEvidence(identity, resolveCommit.configRevision, resolveCommit.repository)
      : Prisma.sql`${input.commitSha}::varchar`;
  const rows = await db.$queryRaw<{ id: number; first_seen_at: Date; commit_sha: string | null; changed: boolean; moved_from: Date | null }[]>`
    WITH previous AS (
      SELECT commit_sha, first_seen_at FROM releases WHERE service_id = ${serviceId} AND version = ${identity.version}
    )
    INSERT INTO releases (service_id, version, first_seen_at, commit_sha, image, image_tag, image_digest)
    VALUES (${serviceId}, ${identity.version}, ${seenAt}, ${commitSha}, ${identity.image}, ${identity.tag ?? null}, ${identity.digest ?? null})
    ON CONFLICT (service_id, version) DO UPDATE SET
      first_seen_at = LEAST(releases.first_seen_at, EXCLUDED.first_seen_at),
      commit_sha = COALESCE(releases.commit_sha, EXCLUDED.commit_sha),
      image_digest = COALESCE(releases.image_digest, EXCLUDED.image_digest)
    RETURNING id, first_seen_at, commit_sha,
      (NOT EXISTS (SELECT 1 FROM previous) OR (SELECT commit_sha FROM previous) IS DISTINCT FROM releases.commit_sha) AS changed,
      CASE WHEN (SELECT first_seen_at FROM previous) > releases.first_seen_at THEN (SELECT first_seen_at FROM previous) END AS moved_from`;
  const row = rows[0]!;
  return { id: row.id, firstSeenAt: row.first_seen_at, commitSha: row.commit_sha, changed: row.changed, movedFrom: row.moved_from };
}
