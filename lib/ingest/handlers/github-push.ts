// `push`: the commits a branch gained. Every branch is recorded, not only the default branch:
// images are built from release branches, hotfix branches and pull request heads too, and a
// release's commit must be known to trace it. Each push stores its commits as a first-parent
// chain (lib/commits/record-push.ts), built from what the payload can vouch for:
//
// - Commits GitHub marks `distinct: false` were pushed before (to another branch, typically the
//   pull request's branch) and got their parents then; here they are stored without a parent,
//   which keeps a parent already known and never invents one. The `distinct` commits chain from
//   `before`, in payload order (oldest first). A distinct merge commit ("Merge …") keeps the
//   chain's parent, so for the usual merge of a pull request (its commits already on its branch,
//   one new merge commit) `before` becomes the merge commit's first parent, exactly right; any
//   other distinct commit that follows non-distinct ones was committed on top of them. Squash
//   and rebase merges and direct pushes are all distinct and chain plainly.
// - A forced push rewrote history: `before` is not an ancestor of the new commits, so the first
//   new commit's parent is left unknown (the rest still chain).
// - A payload holds at most 2,048 commits; a longer push is cut and its first listed commit's
//   parent is unknown too.
// - Branch and tag deletions (`deleted`, `after` all zeros) remove a name, not commits: ignored.
//   Tag pushes add no commits: ignored (releases are identified from images, not tags).
import { z } from "zod";
import { type PushedCommit, recordPush } from "../../commits/record-push";
import { commitSha, githubTime, repositoryRef, ZERO_SHA } from "../../github/webhook-fields";
import { type DeliveryHandler, ignored, parsePayload, processed } from "./delivery-handler";

const MAX_PAYLOAD_COMMITS = 2048;
const NO_PARENT = "0".repeat(40);
const MERGE_MESSAGE = /^Merge /;

const pushSchema = z.object({
  ref: z.string(),
  before: commitSha,
  after: commitSha,
  deleted: z.boolean().nullish(),
  forced: z.boolean().nullish(),
  repository: repositoryRef,
  commits: z
    .array(
      z.object({
        id: commitSha,
        message: z.string(),
        timestamp: githubTime,
        distinct: z.boolean().nullish(),
        author: z.object({ name: z.string().nullish(), username: z.string().nullish() }).nullish(),
      }),
    )
    .nullish(),
});

export const handleGithubPush: DeliveryHandler = async (payload, { db }) => {
  const push = parsePayload(pushSchema, payload, "push payload");
  if (push.deleted || ZERO_SHA.test(push.after)) return ignored(`${push.ref} was deleted; its commits stay recorded`);
  if (push.ref.startsWith("refs/tags/")) return ignored(`tag push (${push.ref}): tags are not modelled`);
  const commits = push.commits ?? [];
  if (commits.length === 0) return ignored(`${push.ref} moved to a known commit; no new commits`);

  const repository = push.repository.full_name;
  const toPushed = (commit: (typeof commits)[number]): PushedCommit => ({
    sha: commit.id,
    message: commit.message,
    authorName: commit.author?.name ?? undefined,
    authorLogin: commit.author?.username ?? undefined,
    timestamp: commit.timestamp,
  });
  let chainHead = !push.forced && commits.length < MAX_PAYLOAD_COMMITS ? push.before : NO_PARENT;
  // Runs of commits that chain one after the other: one recordPush each.
  const runs: { before: string; commits: PushedCommit[]; distinct: boolean }[] = [];
  commits.forEach((commit, index) => {
    if (commit.distinct === false) {
      // Seen before on another branch: stored parentless, which keeps the parent learned then.
      runs.push({ before: NO_PARENT, commits: [toPushed(commit)], distinct: false });
      return;
    }
    const previous = commits[index - 1];
    const parent = previous?.distinct === false && !MERGE_MESSAGE.test(commit.message) ? previous.id : chainHead;
    const run = runs.at(-1);
    if (run?.distinct && run.commits.at(-1)?.sha === parent) run.commits.push(toPushed(commit));
    else runs.push({ before: parent, commits: [toPushed(commit)], distinct: true });
    chainHead = commit.id;
  });
  for (const run of runs) await recordPush(db, { repository, before: run.before, commits: run.commits });
  return processed;
};
