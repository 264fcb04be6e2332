// The parents of a push's commits, as far as GitHub's push payload vouches for them. The payload
// lists the commits the push introduced (git's before..after, oldest first) without their
// parents:
//
// - Commits GitHub marks `distinct: false` were pushed before (to another branch, typically the
//   pull request's branch) and got their parents then: here they are unknown (null), which keeps
//   parents already known and never invents any.
// - The `distinct` commits chain from `before`, in payload order. A distinct merge commit
//   ("Merge …") that follows non-distinct ones is the usual merge of a pull request: its first
//   parent is the chain's head (`before` for a merge button), its second the pull request's head
//   (the last non-distinct commit), so the release built from it contains the pull request's
//   commits. Any other distinct commit that follows non-distinct ones was committed on top of
//   them. Squash and rebase merges and direct pushes are all distinct and chain plainly.
// - A forced push rewrote history: `before` is not an ancestor of the new commits, so the first
//   new commit's parents are unknown (the rest still chain). So are those of a new branch's first
//   commit (`before` all zeros) and of a cut payload's first listed commit.
export type PayloadCommit = { sha: string; message: string; distinct?: boolean | null };

export type PushShape = {
  before: string;
  forced?: boolean;
  /** The payload was cut at its limit: the first listed commit is not the first of the push. */
  truncated?: boolean;
  commits: PayloadCommit[];
};

const ZERO_SHA = /^0+$/;
const MERGE_MESSAGE = /^Merge /;

/** Parents per commit, in payload order: first parent first, null when the payload can't tell. */
export function inferPushParents(push: PushShape): (string[] | null)[] {
  let chainHead: string | null = push.forced === true || push.truncated === true || ZERO_SHA.test(push.before) ? null : push.before;
  return push.commits.map((commit, index) => {
    if (commit.distinct === false) return null;
    const previous = push.commits[index - 1];
    let parents: string[] | null;
    if (previous?.distinct === false) {
      if (!MERGE_MESSAGE.test(commit.message)) parents = [previous.sha];
      else parents = chainHead === null ? null : [chainHead, previous.sha];
    } else {
      parents = chainHead === null ? null : [chainHead];
    }
    chainHead = commit.sha;
    return parents;
  });
}
