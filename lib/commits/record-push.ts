// Stores the commits of a push with the parents the payload vouches for
// (lib/commits/infer-push-parents.ts; recordCommits links pull requests merged as them), and
// relinks the releases whose commit ranges they extend or complete.
import type { DbOrTx } from "../db/client";
import { resolveAbbreviatedShaTagsOf } from "../releases/resolve-abbreviated-sha-tags";
import { relinkRelease } from "../trace/link-release-commits";
import { inferPushParents, type PushShape } from "./infer-push-parents";
import { recordCommitGroups, type CommitToRecord } from "./record-commits";

export type PushedCommit = {
  sha: string;
  message: string;
  /** False when GitHub says the commit was pushed before, to another branch. */
  distinct?: boolean | null;
  authorName?: string;
  authorLogin?: string;
  timestamp: Date;
  /** Files the commit added, modified or removed, as the payload lists them; absent when it does not. */
  paths?: string[] | null;
};

export type Push = Omit<PushShape, "commits"> & {
  repository: string;
  commits: PushedCommit[];
};

export async function recordPush(db: DbOrTx, push: Push): Promise<{ commits: number }> {
  return recordPushes(db, [push]);
}

/**
 * Several pushes (a worker batch's, of one repository or many) in received order, with one
 * statement per step instead of one per push; what it writes is what recording them one after
 * the other writes (tests/lib/commits/record-pushes.test.ts; in the worker, set-based-batches.test.ts).
 */
export async function recordPushes(db: DbOrTx, pushes: Push[]): Promise<{ commits: number }> {
  const groups = pushes
    .filter((push) => push.commits.length > 0)
    .map((push) => {
      const parents = inferPushParents(push);
      const commits: CommitToRecord[] = push.commits.map((commit, index) => ({ ...commit, parentShas: parents[index]! }));
      return { repository: push.repository, commits };
    });
  if (groups.length === 0) return { commits: 0 };
  // Releases built from these commits, and incomplete ones whose walk stopped at one of them
  // or at a commit whose parent just arrived, can now link further (found by the same statement).
  const recorded = await recordCommitGroups(db, groups, { findReleasesToRelink: true });
  for (const releaseId of recorded.releasesToRelink ?? []) await relinkRelease(db, releaseId);
  // Releases tagged with an abbreviated SHA of these commits, seen before they arrived.
  await resolveAbbreviatedShaTagsOf(
    db,
    groups.map((group) => ({ repository: group.repository, shas: group.commits.map((commit) => commit.sha) })),
  );
  return { commits: recorded.commits };
}
