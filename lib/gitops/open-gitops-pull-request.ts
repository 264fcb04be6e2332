// A GitOps change as a pull request (GitHub) or merge request (GitLab, when the config
// repository is on GITLAB_URL): a branch off the application's target branch, one commit that
// sets the image tag (its message written by the caller: a rollback's or a promotion's, with
// Argocd-reference-commit-* trailers), the change request, and, when asked, its merge. Works
// with auto-sync on: Argo CD syncs the merged change like any other. A retried execution reuses
// the branch it made.
import { type GitopsClients, gitopsForgeFor } from "./gitops-forge";
import { CONFIG_FILES, type GitopsTarget, prepareGitopsChange } from "./prepare-gitops-change";

export type GitopsPullRequest = { url: string; number: number; merged: boolean; branch: string; filePath: string; previousTag: string | null };

export type GitopsCommitText = { title: string; message: string; body: string };

export async function openGitopsPullRequest(
  clients: GitopsClients,
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
  const forge = gitopsForgeFor(clients, input.target);
  const change = await prepareGitopsChange(clients, input.target, input.image, input.tag, input.files ?? CONFIG_FILES);
  const branch = input.branch;
  await forge.createBranch(branch, change.baseBranch);
  const { title, message, body } = input.text(change);
  await forge.commitFile({ branch, path: change.filePath, content: change.content, message, version: change.fileVersion });
  const request = await forge.openChangeRequest({ branch, base: change.baseBranch, title, body });
  let merged = false;
  if (input.autoMerge) {
    await forge.merge(request, { title, message });
    merged = true;
  }
  return { url: request.url, number: request.number, merged, branch, filePath: change.filePath, previousTag: change.previousTag };
}
