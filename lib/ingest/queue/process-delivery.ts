// Applies one stored delivery to the fleet model: picks the handler for its source and event
// and runs it in the caller's transaction. Events Shiplog does not use (ping, check_suite,
// status, …) are acknowledged as IGNORED: stored, replayable, never acted on.
//
// processDeliveries applies a batch in one transaction: Argo CD notifications, most of any storm,
// go to their set-based handler together; so do the commits of pushes (and of CI runs that only
// vouch for a commit), read one by one by their handlers and recorded at once (recordPushes);
// the others one by one. Keys are independent, so the order between them does not change what
// is written; within a key the order is kept (a delivery of a key with Argo CD notifications or
// pushes waiting is applied after them), but for pull requests, which write the same rows
// before or after a push.
import { type Push, recordPushes } from "../../commits/record-push";
import type { DeliveryEffects } from "../handlers/delivery-effects";
import { handleArgocdEvent, handleArgocdEvents } from "../handlers/argocd-event";
import { handleBuildReport } from "../handlers/build-report";
import { handleDeploymentEvent } from "../handlers/deployment-event";
import {
  type DeliveryHandler,
  type HandlerContext,
  type HandlerOutcome,
  ignored,
  InvalidPayloadError,
  type StoredDelivery,
} from "../handlers/delivery-handler";
import { handleGithubCreate } from "../handlers/github-create";
import { handleGithubDelete } from "../handlers/github-delete";
import { handleGithubDeployment } from "../handlers/github-deployment";
import { handleGithubDeploymentStatus } from "../handlers/github-deployment-status";
import { handleGithubPackage } from "../handlers/github-package";
import { handleGithubPullRequest } from "../handlers/github-pull-request";
import { handleGithubPush } from "../handlers/github-push";
import { handleGithubRelease } from "../handlers/github-release";
import { handleGithubWorkflowRun } from "../handlers/github-workflow-run";
import { handleGitlabDeployment } from "../handlers/gitlab-deployment";
import { handleGitlabJob } from "../handlers/gitlab-job";
import { handleFluxEvent } from "../handlers/flux-event";
import { handleGitlabMergeRequest } from "../handlers/gitlab-merge-request";
import { handleGitlabPipeline } from "../handlers/gitlab-pipeline";
import { handleGitlabPush } from "../handlers/gitlab-push";
import { handleGitlabRelease } from "../handlers/gitlab-release";

/** GitHub events by X-GitHub-Event. */
const GITHUB_HANDLERS: Record<string, DeliveryHandler> = {
  push: handleGithubPush,
  pull_request: handleGithubPullRequest,
  create: handleGithubCreate,
  delete: handleGithubDelete,
  release: handleGithubRelease,
  deployment: handleGithubDeployment,
  deployment_status: handleGithubDeploymentStatus,
  workflow_run: handleGithubWorkflowRun,
  registry_package: handleGithubPackage,
  package: handleGithubPackage,
};

/** GitLab events by X-Gitlab-Event (docs/setup-gitlab.md). */
const GITLAB_HANDLERS: Record<string, DeliveryHandler> = {
  "Push Hook": handleGitlabPush,
  // Tag pushes add no commits (as GitHub's); the handler says so.
  "Tag Push Hook": handleGitlabPush,
  "Merge Request Hook": handleGitlabMergeRequest,
  "Pipeline Hook": handleGitlabPipeline,
  "Job Hook": handleGitlabJob,
  "Release Hook": handleGitlabRelease,
  "Deployment Hook": handleGitlabDeployment,
};

export async function processDelivery(context: HandlerContext): Promise<HandlerOutcome> {
  const { source, event } = context.delivery;
  let handler: DeliveryHandler | undefined;
  switch (source) {
    case "ARGOCD":
      // Every trigger carries the Application object: the event name is only why it was sent.
      handler = handleArgocdEvent;
      break;
    case "GITHUB":
      if (event === "ping") return ignored("ping: GitHub checking the webhook");
      handler = Object.hasOwn(GITHUB_HANDLERS, event) ? GITHUB_HANDLERS[event] : undefined;
      break;
    case "BUILD":
      handler = event === "build" ? handleBuildReport : undefined;
      break;
    case "DEPLOYER":
      handler = event === "deployment" ? handleDeploymentEvent : undefined;
      break;
    case "GITLAB":
      handler = Object.hasOwn(GITLAB_HANDLERS, event) ? GITLAB_HANDLERS[event] : undefined;
      break;
    case "FLUX":
      // Every event names its object and reason: the handler says which it acts on.
      handler = handleFluxEvent;
      break;
  }
  if (!handler) return ignored(`${source.toLowerCase()} event "${event}" is not used`);
  return handler(readJson(context.delivery.body), context);
}

/** Events whose handler only records the commits it brought (recordPushOf): a batch records them together. */
const PUSH_EVENTS: Partial<Record<StoredDelivery["source"], ReadonlySet<string>>> = {
  GITHUB: new Set(["push", "workflow_run"]),
  GITLAB: new Set(["Push Hook", "Tag Push Hook", "Pipeline Hook"]),
};

/**
 * Events that may go before a key's waiting pushes without changing what is written: a pull
 * request links to its merge commit when that is stored, and stored commits link the pull
 * requests merged as them, so either order leaves the same rows (set-based-batches.test.ts).
 * A repository's pull requests and pushes arrive interleaved; without this, each would cut the
 * batch's pushes into runs of one.
 */
const COMMUTE_WITH_PUSHES: Partial<Record<StoredDelivery["source"], ReadonlySet<string>>> = {
  GITHUB: new Set(["pull_request"]),
  GITLAB: new Set(["Merge Request Hook"]),
};

/** One outcome per delivery, in order. */
export async function processDeliveries(
  context: Omit<HandlerContext, "delivery"> & { effects: DeliveryEffects },
  deliveries: StoredDelivery[],
): Promise<HandlerOutcome[]> {
  const outcomes = new Array<HandlerOutcome>(deliveries.length);
  // Argo CD notifications waiting to be recorded together, and their keys.
  let argocd: number[] = [];
  const argocdKeys = new Set<string>();
  const recordArgocd = async () => {
    if (argocd.length === 0) return;
    const recorded = await handleArgocdEvents(
      argocd.map((index) => readJson(deliveries[index]!.body)),
      context,
    );
    for (const [position, index] of argocd.entries()) outcomes[index] = recorded[position]!;
    argocd = [];
    argocdKeys.clear();
  };
  // Pushes their handlers have read, waiting to be recorded together, and their keys.
  const pushes: Push[] = [];
  const pushKeys = new Set<string>();
  const recordPending = async () => {
    if (pushes.length > 0) await recordPushes(context.db, pushes.splice(0));
    pushKeys.clear();
  };
  for (const [index, delivery] of deliveries.entries()) {
    const key = delivery.orderingKey;
    const isPush = PUSH_EVENTS[delivery.source]?.has(delivery.event) === true;
    // A key's deliveries keep their order: what waits of the key in another set is done first.
    if (key !== null && delivery.source !== "ARGOCD" && argocdKeys.has(key)) await recordArgocd();
    const commutes = COMMUTE_WITH_PUSHES[delivery.source]?.has(delivery.event) === true;
    if (key !== null && !isPush && !commutes && pushKeys.has(key)) await recordPending();
    if (delivery.source === "ARGOCD") {
      argocd.push(index);
      if (key !== null) argocdKeys.add(key);
    } else if (isPush) {
      outcomes[index] = await processDelivery({ ...context, delivery, pushes });
      if (key !== null) pushKeys.add(key);
    } else {
      outcomes[index] = await processDelivery({ ...context, delivery });
    }
  }
  // Keys of the two sets differ, so which goes first does not change what is written.
  await recordPending();
  await recordArgocd();
  return outcomes;
}

function readJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new InvalidPayloadError(`the body is not JSON: ${(error as Error).message}`, { cause: error });
  }
}
