// Argo CD's convention for linking a config-repository commit to the code commit it deploys:
// a trailer `Argocd-reference-commit-sha: <sha>` in the config commit's message.
const TRAILER = /^Argocd-reference-commit-sha:\s*([0-9a-f]{7,40})\s*$/im;

export function referencedCommitSha(message: string): string | undefined {
  return TRAILER.exec(message)?.[1]?.toLowerCase();
}
