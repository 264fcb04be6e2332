// Newly stored commits of a repository resolve the releases of its services whose image tag is an
// abbreviated SHA of one of them (a push GitHub redelivered hours after the deployment, commits
// fetched from the compare API), and make ambiguous those whose tag another commit now shares:
// rederiveReleaseCommits decides both, so the result is the one in-order delivery gives.
// Services whose repository is unknown match abbreviated SHAs against every repository, and only
// when their release is seen: which pushes concern them cannot be told.
import type { DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { rederiveReleaseCommits } from "./rederive-release-commits";

/** SHA_TAG (identify-release.ts): 7 to 39 hex digits abbreviate a SHA, bare, `sha-…` or `g…`. */
const LENGTHS = Array.from({ length: 33 }, (_, index) => 7 + index);
const FORMS = ["", "sha-", "g"];

/** Returns the releases whose commit changed (they are relinked). */
export async function resolveAbbreviatedShaTags(db: DbOrTx, repository: string, shas: string[]): Promise<number[]> {
  return resolveAbbreviatedShaTagsOf(db, [{ repository, shas }]);
}

/** The same for the commits of several repositories (a batch's pushes) at once. */
export async function resolveAbbreviatedShaTagsOf(db: DbOrTx, groups: { repository: string; shas: string[] }[]): Promise<number[]> {
  // Every tag that abbreviates one of these commits (99 per commit), looked up through releases'
  // unique (service_id, version) index, a tagged release's version being its tag: about 2 ms for
  // a push of 20 commits, 0.7 s for the compare API's largest range (1,000) among 200,000 releases.
  // (Ranges of that index, one per commit, lose to the planner's sequential scan.)
  const pairs = new Map<string, { repository: string; tag: string }>();
  for (const { repository, shas } of groups) {
    for (const sha of shas) {
      for (const form of FORMS) {
        for (const length of LENGTHS) {
          const tag = form + sha.slice(0, length);
          pairs.set(`${repository}\u0000${tag}`, { repository, tag });
        }
      }
    }
  }
  if (pairs.size === 0) return [];
  const repositories = [...new Set(groups.map((group) => group.repository))];
  if (repositories.length === 1) {
    const tags = [...pairs.values()].map((pair) => pair.tag);
    return rederiveReleaseCommits(
      db,
      Prisma.sql`
        SELECT r.id FROM services s JOIN releases r ON r.service_id = s.id AND r.version = ANY(${tags}::text[])
        WHERE s.repository = ${repositories[0]} AND r.image_tag = r.version`,
    );
  }
  // Several repositories: one probe of that index per repository's service and tag. Written as a
  // LATERAL subquery kept apart (OFFSET 0): joined plainly, the planner ranges over all of a
  // service's releases and filters them by tag (1.6 ms a batch instead of 0.5).
  return rederiveReleaseCommits(
    db,
    Prisma.sql`
      SELECT r.id FROM unnest(${[...pairs.values()].map((pair) => pair.repository)}::text[], ${[...pairs.values()].map((pair) => pair.tag)}::text[])
        AS t(repository, tag)
      JOIN services s ON s.repository = t.repository
      CROSS JOIN LATERAL (SELECT r.id, r.image_tag FROM releases r WHERE r.service_id = s.id AND r.version = t.tag OFFSET 0) r
      WHERE r.image_tag = t.tag`,
  );
}
