// Reconciliation beside the worker: Argo CD polling (missed notifications), the GitHub jobs
// (commit ranges through the compare API, redelivery of failed webhook deliveries), GitLab's
// (commit ranges through its compare API, failed webhook events resent from its event log) and the
// upkeep of webhook_deliveries' partitions (creation ahead, retention). Each job takes turns
// (`settings` rows, an advisory lock), so every worker process may start this safely.
import { runArgoCdReconciliation } from "../../argocd/run-argocd-reconciliation";
import { getDb } from "../../db/client";
import { startGithubReconciliation } from "../../github/run-github-reconciliation";
import { startGitlabReconciliation } from "../../gitlab/run-gitlab-reconciliation";
import { runDeliveryUpkeep } from "./run-delivery-upkeep";

export async function startReconciliation(options: { signal: AbortSignal }): Promise<void> {
  await Promise.all([
    runArgoCdReconciliation(getDb(), { signal: options.signal }),
    startGithubReconciliation({ signal: options.signal }),
    startGitlabReconciliation({ signal: options.signal }),
    runDeliveryUpkeep({ signal: options.signal }),
  ]);
}
