// Stores the commits a forge's compare answer gave for a release's range (with their real
// parents, the merge base included) and relinks the release, and every release those commits
// extend or re-parent, by ancestry. Whatever the two releases' relation (ahead, a rollback
// behind, a branch diverged), the range is then decided over the stored graph. Shared by the
// GitHub and GitLab range completion.
import type { Db } from "../db/client";
import { recordCommits, type CommitToRecord } from "../commits/record-commits";
import { resolveAbbreviatedShaTags } from "../releases/resolve-abbreviated-sha-tags";
import { relinkRelease } from "./link-release-commits";

export async function storeCompletedRange(db: Db, release: { id: number; repository: string }, commits: CommitToRecord[]): Promise<{ complete: boolean; reason: string | null }> {
  return db.$transaction(async (tx) => {
    const recorded = await recordCommits(tx, release.repository, commits, { exactParents: true, findReleasesToRelink: true });
    // Releases tagged with an abbreviated SHA of one of them, seen before it was known.
    await resolveAbbreviatedShaTags(tx, release.repository, commits.map((commit) => commit.sha));
    // Releases whose ranges ran through a commit whose inferred parents were wrong.
    const reparented = recorded.reparented.length === 0 ? [] : await tx.$queryRaw<{ release_id: number }[]>`
      SELECT DISTINCT rc.release_id FROM release_commits rc JOIN commits c ON c.id = rc.commit_id
      WHERE c.repository = ${release.repository} AND c.sha = ANY(${recorded.reparented}::varchar[])`;
    const relink = new Set([release.id, ...(recorded.releasesToRelink ?? []), ...reparented.map((row) => row.release_id)]);
    for (const id of relink) await relinkRelease(tx, id);
    const linked = await tx.release.findUniqueOrThrow({ where: { id: release.id }, select: { commitsComplete: true, commitsIncompleteReason: true } });
    return { complete: linked.commitsComplete, reason: linked.commitsIncompleteReason };
  });
}
