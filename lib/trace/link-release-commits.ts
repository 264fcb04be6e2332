// Which commits a release added since the previous release of its service: walk first
// parents back from the release's commit until the previous release's commit. The range is
// complete only when that walk reaches it through commits Shiplog has stored.
import type { DbOrTx } from "../db/client";

/** Safety bound on one walk; a longer range is stored as incomplete. */
const MAX_RANGE = 1000;

export async function linkReleaseCommits(db: DbOrTx, releaseId: number): Promise<{ commits: number; complete: boolean }> {
  const release = await db.release.findUnique({
    where: { id: releaseId },
    select: { id: true, serviceId: true, commitSha: true, firstSeenAt: true },
  });
  if (!release?.commitSha) return { commits: 0, complete: false };
  const previous = await db.release.findFirst({
    where: {
      serviceId: release.serviceId,
      commitSha: { not: null },
      OR: [
        { firstSeenAt: { lt: release.firstSeenAt } },
        { firstSeenAt: release.firstSeenAt, id: { lt: release.id } },
      ],
    },
    orderBy: [{ firstSeenAt: "desc" }, { id: "desc" }],
    select: { commitSha: true },
  });
  const stop = previous?.commitSha ?? null;
  const head = release.commitSha;

  const walked = await db.$queryRaw<{ id: number; sha: string; depth: number }[]>`
    WITH RECURSIVE walk(id, repository, sha, parent_sha, depth) AS (
      SELECT c.id, c.repository, c.sha, c.parent_sha, 1 FROM commits c WHERE c.sha = ${head}
      UNION ALL
      SELECT c.id, c.repository, c.sha, c.parent_sha, w.depth + 1
      FROM walk w JOIN commits c ON c.repository = w.repository AND c.sha = w.parent_sha
      WHERE w.sha IS DISTINCT FROM ${stop} AND w.depth < ${MAX_RANGE}
    )
    SELECT id, sha, depth FROM walk ORDER BY depth`;
  const reachedStop = stop !== null && walked.some((row) => row.sha === stop);
  const added = walked.filter((row) => row.sha !== stop);

  await db.releaseCommit.deleteMany({ where: { releaseId } });
  if (added.length > 0) {
    await db.releaseCommit.createMany({
      data: added.map((row) => ({ releaseId, commitId: row.id })),
      skipDuplicates: true,
    });
  }
  await db.release.update({ where: { id: releaseId }, data: { commitsComplete: reachedStop } });
  return { commits: added.length, complete: reachedStop };
}

/** Relinks a release and the one after it (whose range may have been cut by a late arrival). */
export async function linkReleaseAndSuccessor(db: DbOrTx, releaseId: number): Promise<void> {
  await linkReleaseCommits(db, releaseId);
  const release = await db.release.findUnique({ where: { id: releaseId }, select: { serviceId: true, firstSeenAt: true, id: true } });
  if (!release) return;
  const next = await db.release.findFirst({
    where: {
      serviceId: release.serviceId,
      commitSha: { not: null },
      OR: [{ firstSeenAt: { gt: release.firstSeenAt } }, { firstSeenAt: release.firstSeenAt, id: { gt: release.id } }],
    },
    orderBy: [{ firstSeenAt: "asc" }, { id: "asc" }],
    select: { id: true },
  });
  if (next) await linkReleaseCommits(db, next.id);
}
