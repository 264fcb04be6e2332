// Stores the commits of a push with the parents the payload vouches for
// (lib/commits/infer-push-parents.ts; recordCommits links pull requests merged as them), and
// relinks the releases whose commit ranges they extend or complete.
import type { DbOrTx } from "../db/client";
import { resolveAbbreviatedShaTags } from "../releases/resolve-abbreviated-sha-tags";
import { relinkRelease } from "../trace/link-release-commits";
import { inferPushParents, type PushShape } from "./infer-push-parents";
import { recordCommits, type CommitToRecord } from "./record-commits";

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
  if (push.commits.length === 0) return { commits: 0 };
  const parents = inferPushParents(push);
  const commits: CommitToRecord[] = push.commits.map((commit, index) => ({ ...commit, parentShas: parents[index]! }));
  // Releases built from these commits, and incomplete ones whose walk stopped at one of them
  // or at a commit whose parent just arrived, can now link further (found by the same statement).
  const recorded = await recordCommits(db, push.repository, commits, { findReleasesToRelink: true });
  for (const releaseId of recorded.releasesToRelink ?? []) await relinkRelease(db, releaseId);
  // Releases tagged with an abbreviated SHA of these commits, seen before they arrived.
  await resolveAbbreviatedShaTags(db, push.repository, commits.map((commit) => commit.sha));
  return { commits: commits.length };
}
