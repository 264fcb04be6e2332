// Argo CD, GitHub and GitLab failures in words an SRE can act on. The raw messages stay in the cause
// for logs; credentials are never part of either (the clients put none in their messages).
import { ArgoCdError } from "../argocd/argocd-client";
import { describeGithubError, githubStatus, isGithubError } from "../github/github-client";
import { describeGitlabError, gitlabStatus, isGitlabError } from "../gitlab/gitlab-client";
import { GitopsAccessError } from "../gitops/gitops-forge";
import { GitopsChangeError } from "../gitops/prepare-gitops-change";

export function explainArgoCdError(error: unknown, application: string): string {
  if (!(error instanceof ArgoCdError)) return `Argo CD: ${(error as Error)?.message ?? String(error)}`;
  const said = error.message.replace(/^.*?\(\d{3}\): /, "");
  if (error.status === null) return `Argo CD could not be reached for ${application}: ${error.message.replace(/^.*could not be reached: /, "")}.`;
  if (/auto-sync is enabled/i.test(said)) return `Argo CD refused: auto-sync is enabled on ${application}. Turn auto-sync off, or roll back with a GitOps pull request.`;
  if (/does not have (deployment|history) with id|history/i.test(said) && error.status === 400) {
    return `Argo CD refused: ${application} no longer has that history entry (${said}).`;
  }
  if (error.status === 401) return `Argo CD refused Shiplog's token for ${application} (401): check the token in ARGOCD_INSTANCES.`;
  if (error.status === 403) return `Argo CD refused: Shiplog's token may not roll back ${application} (403 ${said}). Grant it applications, sync on this project.`;
  if (error.status === 404) return `Argo CD does not know ${application} (404).`;
  if (/another operation is already in progress/i.test(said)) return `Argo CD refused: another sync of ${application} is already running.`;
  return `Argo CD refused the rollback of ${application} (${error.status}): ${said}`;
}

export function explainGithubError(error: unknown, repository: string): string {
  if (!isGithubError(error)) return `GitHub: ${(error as Error)?.message ?? String(error)}`;
  const status = githubStatus(error);
  const message = (error as Error).message;
  if (status === null) return `GitHub did not answer for ${repository}: ${describeGithubError(error)}.`;
  if (/protected branch|branch is protected|required status check|review/i.test(message)) {
    return `GitHub: the branch is protected in ${repository} (${message}). Merge the pull request by hand once its checks and reviews pass.`;
  }
  if (status === 401) return "GitHub refused Shiplog's credential (401): check GITHUB_TOKEN or the GitHub App settings.";
  if (status === 403) return `GitHub: Shiplog may not write to ${repository} (403 ${message}). Give its token or App contents and pull-request write access.`;
  if (status === 404) return `GitHub: ${repository} or the file was not found (404), or Shiplog's credential cannot see it.`;
  if (status === 405 || status === 409) return `GitHub could not merge the pull request in ${repository} (${status}): ${message}.`;
  if (status === 422) return `GitHub refused the change in ${repository} (422): ${message}.`;
  return `GitHub: ${describeGithubError(error)}`;
}

export function explainGitlabError(error: unknown, repository: string): string {
  if (!isGitlabError(error)) return `GitLab: ${(error as Error)?.message ?? String(error)}`;
  const status = gitlabStatus(error);
  const message = (error as Error).message;
  if (status === null) return `GitLab did not answer for ${repository}: ${describeGitlabError(error)}.`;
  if (status === 401) return "GitLab refused Shiplog's token (401): check GITLAB_TOKEN (expired, revoked or mistyped).";
  if (status === 403) return `GitLab: Shiplog may not write to ${repository} (403 ${message}). Give GITLAB_TOKEN the api scope and at least the Developer role (Maintainer to merge into a protected branch).`;
  if (status === 404) return `GitLab: ${repository} or the file was not found (404), or GITLAB_TOKEN cannot see it.`;
  if (status === 405 || status === 406 || status === 409 || status === 422) return `GitLab could not merge the merge request in ${repository} (${status}): ${message}. Merge it by hand once its pipeline and approvals pass.`;
  if (status === 400) return `GitLab refused the change in ${repository} (400): ${message}.`;
  return `GitLab: ${describeGitlabError(error)}`;
}

/** A GitOps change's failure, worded for the forge of its config repository. */
export function explainGitopsError(error: unknown, target: { forge?: "github" | "gitlab"; repository: string }): string {
  if (error instanceof GitopsChangeError || error instanceof GitopsAccessError) return error.message;
  return target.forge === "gitlab" ? explainGitlabError(error, target.repository) : explainGithubError(error, target.repository);
}
