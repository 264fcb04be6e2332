// What a GitOps change needs from the forge hosting a config repository, so rollbacks and
// promotions write the same change to GitHub (a pull request) or GitLab (a merge request):
// read a file on a branch, branch off, commit one file, open the change request, merge it.
// Each forge's calls live in github-gitops-forge.ts and gitlab-gitops-forge.ts.
import type { GithubClient } from "../github/github-client";
import type { GitlabAccess } from "../gitlab/gitlab-client";
import { githubGitopsForge } from "./github-gitops-forge";
import { gitlabGitopsForge } from "./gitlab-gitops-forge";

export type ConfigFileVersion = {
  content: string;
  /** What the forge checks a write against: GitHub's blob SHA, GitLab's last commit of the file. */
  version: string;
};

export type ChangeRequest = { url: string; number: number };

export type GitopsForge = {
  /** "pull request" or "merge request", for messages. */
  noun: string;
  defaultBranch(): Promise<string>;
  /** The file on `ref`, or null when there is no such file. */
  readFile(path: string, ref: string): Promise<ConfigFileVersion | null>;
  /** Creates `branch` at `from`'s head; a branch left by an earlier attempt is reused. */
  createBranch(branch: string, from: string): Promise<void>;
  commitFile(input: { branch: string; path: string; content: string; message: string; version: string }): Promise<void>;
  /** Opens the change request, or finds the one an earlier attempt opened. */
  openChangeRequest(input: { branch: string; base: string; title: string; body: string }): Promise<ChangeRequest>;
  merge(request: ChangeRequest, input: { title: string; message: string }): Promise<void>;
};

/** The API clients a GitOps change may use; either may be absent. */
export type GitopsClients = { github: GithubClient | null; gitlab?: GitlabAccess | null };

export class GitopsAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitopsAccessError";
  }
}

export function gitopsForgeFor(clients: GitopsClients, target: { forge?: "github" | "gitlab"; repository: string }): GitopsForge {
  if (target.forge === "gitlab") {
    const api = clients.gitlab?.api;
    if (!clients.gitlab || !api) throw new GitopsAccessError(`GitOps merge requests on ${target.repository} need GitLab access (GITLAB_TOKEN).`);
    return gitlabGitopsForge(api, clients.gitlab.host, target.repository);
  }
  if (!clients.github) throw new GitopsAccessError(`GitOps pull requests on ${target.repository} need GitHub access (GITHUB_TOKEN or a GitHub App).`);
  return githubGitopsForge(clients.github, target.repository);
}
