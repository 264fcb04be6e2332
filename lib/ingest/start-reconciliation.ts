// Reconciliation beside the worker: Argo CD polling (missed notifications) and the GitHub jobs
// (commit ranges through the compare API, redelivery of failed webhook deliveries). Each job
// takes turns through `settings` rows, so every worker process may start this safely.
import { runArgoCdReconciliation } from "../argocd/run-argocd-reconciliation";
import { getDb } from "../db/client";
import { startGithubReconciliation } from "../github/run-github-reconciliation";

export async function startReconciliation(options: { signal: AbortSignal }): Promise<void> {
  await Promise.all([
    runArgoCdReconciliation(getDb(), { signal: options.signal }),
    startGithubReconciliation({ signal: options.signal }),
  ]);
}
