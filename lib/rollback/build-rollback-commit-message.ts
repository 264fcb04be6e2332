// The config-repository commit of a GitOps rollback: what it does and why, a link back to
// Shiplog, and Argo CD's Argocd-reference-commit-* trailers naming the code commit it puts back
// (so Argo CD and Shiplog's own trace link the config commit to that code commit).
import { type ReferencedCommit, oneLine, referenceCommitTrailers } from "../gitops/reference-commit-trailers";

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
  commit: ReferencedCommit | null;
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
  const trailers = referenceCommitTrailers(facts.commit);
  const message = [title, "", body, ...(trailers.length ? ["", ...trailers] : [])].join("\n");
  return { title, message, body };
}
