// Stores the commits of a push with their first parents (the order of a push's commits is taken
// as a first-parent chain starting at `before`; recordCommits links pull requests merged as
// them), and relinks releases whose commit ranges they complete.
import type { DbOrTx } from "../db/client";
import { linkReleaseAndSuccessor } from "../trace/link-release-commits";
import { recordCommits, type CommitToRecord } from "./record-commits";

export type PushedCommit = {
  sha: string;
  message: string;
  authorName?: string;
  authorLogin?: string;
  timestamp: Date;
};

export type Push = {
  repository: string;
  /** Commit the branch pointed at before the push (all zeros for a new branch). */
  before: string;
  commits: PushedCommit[];
};

const ZERO_SHA = /^0+$/;

export async function recordPush(db: DbOrTx, push: Push): Promise<{ commits: number }> {
  if (push.commits.length === 0) return { commits: 0 };
  let parent: string | null = ZERO_SHA.test(push.before) ? null : push.before;
  const commits: CommitToRecord[] = push.commits.map((commit) => {
    const row = { ...commit, parentSha: parent };
    parent = commit.sha;
    return row;
  });
  // Releases built from these commits, and incomplete ones whose walk stopped at a commit
  // whose parent just arrived, can now link further (found by the same statement).
  const recorded = await recordCommits(db, push.repository, commits, { findReleasesToRelink: true });
  for (const releaseId of recorded.releasesToRelink ?? []) await linkReleaseAndSuccessor(db, releaseId);
  return { commits: commits.length };
}
