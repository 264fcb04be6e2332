// A GitOps change as a pull request: a branch off the application's target branch, one commit
// that sets the image tag (its message written by the caller: a rollback's or a promotion's,
// with Argocd-reference-commit-* trailers), a pull request, and, when asked, its merge. Works
// with auto-sync on: Argo CD syncs the merged change like any other. A retried execution reuses
// the branch it made.
import type { GithubClient } from "../github/github-client";
import { CONFIG_FILES, type GitopsTarget, prepareGitopsChange } from "./prepare-gitops-change";

export type GitopsPullRequest = { url: string; number: number; merged: boolean; branch: string; filePath: string; previousTag: string | null };

export type GitopsCommitText = { title: string; message: string; body: string };

export async function openGitopsPullRequest(
  github: GithubClient,
  input: {
    target: GitopsTarget;
    image: string;
    tag: string;
    autoMerge: boolean;
    branch: string;
    /** The commit and pull request text, given the change (file and tag before). */
    text: (change: { filePath: string; previousTag: string | null }) => GitopsCommitText;
    files?: string[];
  },
): Promise<GitopsPullRequest> {
  const change = await prepareGitopsChange(github, input.target, input.image, input.tag, input.files ?? CONFIG_FILES);
  const { owner, repo } = change;
  const branch = input.branch;
  const base = await github.rest.git.getRef({ owner, repo, ref: `heads/${change.baseBranch}` });
  try {
    await github.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: base.data.object.sha });
  } catch (error) {
    // 422 "Reference already exists": an earlier attempt made it.
    if ((error as { status?: number }).status !== 422) throw error;
  }
  const { title, message, body } = input.text(change);
  await github.rest.repos.createOrUpdateFileContents({
    owner,
    repo,
    path: change.filePath,
    branch,
    message,
    content: Buffer.from(change.content, "utf8").toString("base64"),
    sha: change.fileSha,
  });
  const pull = await github.rest.pulls.create({ owner, repo, head: branch, base: change.baseBranch, title, body });
  let merged = false;
  if (input.autoMerge) {
    await github.rest.pulls.merge({ owner, repo, pull_number: pull.data.number, merge_method: "squash", commit_title: title, commit_message: message.split("\n").slice(2).join("\n") });
    merged = true;
  }
  return { url: pull.data.html_url, number: pull.data.number, merged, branch, filePath: change.filePath, previousTag: change.previousTag };
}
