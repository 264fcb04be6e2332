// Reads the application's config file on GitHub and computes the edit that puts the target
// image tag back, without writing anything: the GitOps rollback's dry run, and its first step.
import type { GithubClient } from "../github/github-client";
import type { GitopsTarget } from "./rollback-plan";
import { setImageTag } from "./set-image-tag";

/** Where a kustomize or Helm source keeps its image tag, in the order they are tried. */
export const CONFIG_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization", "values.yaml", "values.yml"];

export type GitopsChange = {
  owner: string;
  repo: string;
  baseBranch: string;
  filePath: string;
  fileSha: string;
  content: string;
  previousTag: string | null;
  tag: string;
};

export class GitopsChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitopsChangeError";
  }
}

export async function prepareGitopsChange(github: GithubClient, target: GitopsTarget, image: string, tag: string): Promise<GitopsChange> {
  const [owner, repo] = target.repository.split("/") as [string, string];
  const baseBranch = target.baseBranch ?? (await github.rest.repos.get({ owner, repo })).data.default_branch;
  const problems: string[] = [];
  for (const name of CONFIG_FILES) {
    const filePath = target.path ? `${target.path}/${name}` : name;
    let file: { content?: string; sha: string; type: string } | unknown;
    try {
      file = (await github.rest.repos.getContent({ owner, repo, path: filePath, ref: baseBranch })).data;
    } catch (error) {
      if ((error as { status?: number }).status === 404) continue;
      throw error;
    }
    const single = file as { content?: string; sha?: string; type?: string };
    if (single.type !== "file" || single.content === undefined || !single.sha) continue;
    const source = Buffer.from(single.content, "base64").toString("utf8");
    const edit = setImageTag(name, source, image, tag);
    if ("error" in edit) {
      problems.push(edit.error);
      continue;
    }
    return { owner, repo, baseBranch, filePath, fileSha: single.sha, content: edit.content, previousTag: edit.previousTag, tag };
  }
  throw new GitopsChangeError(
    problems.length > 0
      ? `${target.repository}/${target.path}: ${problems.join("; ")}`
      : `${target.repository} has no ${CONFIG_FILES.join(", ")} in ${target.path || "its root"} on ${baseBranch}`,
  );
}
