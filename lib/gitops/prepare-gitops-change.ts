// Reads an application's config file on GitHub and computes the edit that sets the image tag,
// without writing anything: the dry run of a GitOps rollback or promotion, and its first step.
import type { GithubClient } from "../github/github-client";
import { setImageTag } from "./set-image-tag";

/** Where an application's config lives: a folder of a GitHub repository, and the branch Argo CD follows. */
export type GitopsTarget = {
  /** owner/name on GitHub. */
  repository: string;
  /** Folder of the application's source in the config repository. */
  path: string;
  /** Branch the pull request goes to (the application's targetRevision, or the default branch when null). */
  baseBranch: string | null;
};

/** Where a kustomize or Helm source keeps its image tag, in the order they are tried (after the files named per application). */
export const CONFIG_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization", "values.yaml", "values.yml"];

/**
 * The files tried for one application: Argo CD Image Updater's write-back file when the
 * application is named, then the application's own Helm value files, then CONFIG_FILES.
 */
export function configFilesOf(options: { application?: string; valueFiles?: string[] } = {}): string[] {
  const own = (options.valueFiles ?? []).filter((file) => !file.includes("://") && !file.startsWith("$") && !file.includes(".."));
  return [...new Set([...(options.application ? [`.argocd-source-${options.application}.yaml`] : []), ...own.map((file) => file.replace(/^\.?\//, "")), ...CONFIG_FILES])];
}

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

export async function prepareGitopsChange(github: GithubClient, target: GitopsTarget, image: string, tag: string, files: string[] = CONFIG_FILES): Promise<GitopsChange> {
  const [owner, repo] = target.repository.split("/") as [string, string];
  const baseBranch = target.baseBranch ?? (await github.rest.repos.get({ owner, repo })).data.default_branch;
  const problems: string[] = [];
  for (const name of files) {
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
      : `${target.repository} has no ${files.join(", ")} in ${target.path || "its root"} on ${baseBranch}`,
  );
}
