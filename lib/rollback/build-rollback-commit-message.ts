// The config-repository commit of a GitOps rollback: what it does and why, a link back to
// Shiplog, and Argo CD's Argocd-reference-commit-* trailers naming the code commit it puts back
// (so Argo CD and Shiplog's own trace link the config commit to that code commit).
export type RollbackCommitFacts = {
  rollbackId: number;
  service: string;
  application: string;
  cluster: string;
  version: string;
  requestedBy: string;
  reason: string;
  url: string | null;
  /** The code commit of the target release, when known. */
  commit: { sha: string; repository: string | null; message: string | null; authorName: string | null; committedAt: Date | null } | null;
};

export function buildRollbackCommitMessage(facts: RollbackCommitFacts): { title: string; message: string; body: string } {
  const title = `Roll back ${facts.service} to ${facts.version} on ${facts.cluster}`;
  const link = facts.url ?? `Shiplog rollback #${facts.rollbackId}`;
  const body = [
    `Shiplog rollback #${facts.rollbackId} of ${facts.application}, requested by ${facts.requestedBy}.`,
    "",
    `Reason: ${oneLine(facts.reason)}`,
    "",
    link,
  ].join("\n");
  const trailers: string[] = [];
  if (facts.commit) {
    const { sha, repository, message, authorName, committedAt } = facts.commit;
    if (authorName) trailers.push(`Argocd-reference-commit-author: ${oneLine(authorName)}`);
    trailers.push(`Argocd-reference-commit-sha: ${sha}`);
    if (message) trailers.push(`Argocd-reference-commit-subject: ${oneLine(message.split("\n")[0] ?? "")}`);
    if (committedAt) trailers.push(`Argocd-reference-commit-date: ${committedAt.toISOString()}`);
    if (repository) trailers.push(`Argocd-reference-commit-repourl: https://github.com/${repository}`);
  }
  const message = [title, "", body, ...(trailers.length ? ["", ...trailers] : [])].join("\n");
  return { title, message, body };
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();
