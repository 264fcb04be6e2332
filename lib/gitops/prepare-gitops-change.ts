// Reads an application's config file on GitHub or GitLab and computes the edit that sets the
// image tag, without writing anything: the dry run of a GitOps rollback or promotion, and its
// first step.
import { type GitopsClients, gitopsForgeFor } from "./gitops-forge";
import { setImageTag } from "./set-image-tag";

/** Where an application's config lives: a folder of a GitHub or GitLab repository, and the branch Argo CD follows. */
export type GitopsTarget = {
  /** Where the repository is; GitHub when absent (plans stored before GitLab). */
  forge?: "github" | "gitlab";
  /** owner/name on GitHub; host/group/project on GitLab (as Shiplog names GitLab projects). */
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
  repository: string;
  baseBranch: string;
  filePath: string;
  /** What the write is checked against (GitHub's blob SHA, GitLab's last commit of the file). */
  fileVersion: string;
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

export async function prepareGitopsChange(clients: GitopsClients, target: GitopsTarget, image: string, tag: string, files: string[] = CONFIG_FILES): Promise<GitopsChange> {
  const forge = gitopsForgeFor(clients, target);
  const baseBranch = target.baseBranch ?? (await forge.defaultBranch());
  const problems: string[] = [];
  for (const name of files) {
    const filePath = target.path ? `${target.path}/${name}` : name;
    const file = await forge.readFile(filePath, baseBranch);
    if (!file) continue;
    const edit = setImageTag(name, file.content, image, tag);
    if ("error" in edit) {
      problems.push(edit.error);
      continue;
    }
    return { repository: target.repository, baseBranch, filePath, fileVersion: file.version, content: edit.content, previousTag: edit.previousTag, tag };
  }
  throw new GitopsChangeError(
    problems.length > 0
      ? `${target.repository}/${target.path}: ${problems.join("; ")}`
      : `${target.repository} has no ${files.join(", ")} in ${target.path || "its root"} on ${baseBranch}`,
  );
}
