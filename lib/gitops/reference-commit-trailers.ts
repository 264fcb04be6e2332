// Argo CD's Argocd-reference-commit-* trailers for a config-repository commit, naming the code
// commit it deploys (so Argo CD and Shiplog's own trace link the config commit to it). Shared by
// GitOps rollbacks and promotions.
export type ReferencedCommit = { sha: string; repository: string | null; message: string | null; authorName: string | null; committedAt: Date | null };

export const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

export function referenceCommitTrailers(commit: ReferencedCommit | null): string[] {
  if (!commit) return [];
  const { sha, repository, message, authorName, committedAt } = commit;
  const trailers: string[] = [];
  if (authorName) trailers.push(`Argocd-reference-commit-author: ${oneLine(authorName)}`);
  trailers.push(`Argocd-reference-commit-sha: ${sha}`);
  if (message) trailers.push(`Argocd-reference-commit-subject: ${oneLine(message.split("\n")[0] ?? "")}`);
  if (committedAt) trailers.push(`Argocd-reference-commit-date: ${committedAt.toISOString()}`);
  if (repository) trailers.push(`Argocd-reference-commit-repourl: ${repositoryUrl(repository)}`);
  return trailers;
}

/** GitHub's owner/name, or a GitLab project named by its host and path (docs/setup-gitlab.md). */
function repositoryUrl(repository: string): string {
  return repository.split("/").length > 2 ? `https://${repository}` : `https://github.com/${repository}`;
}
