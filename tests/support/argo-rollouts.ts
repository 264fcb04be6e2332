// Argo Rollouts' own Rollout objects (tests/fixtures/argo-rollouts, from argoproj/argo-rollouts'
// pkg/kubectl-argo-rollouts/info/testdata) and the notification body Shiplog's template renders
// around one (docs/webhooks.md, "Argo Rollouts").
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { fixturesDir } from "./github-examples";

export type RolloutFixture = "canary-rollout" | "rollout-aborted" | "rollout-experiment-analysis" | "bluegreen-rollout";

/** A fresh copy of the Rollout object, as `{{toJson .rollout}}` renders it. */
export async function argoRolloutFixture(name: RolloutFixture): Promise<Record<string, any>> {
  return parseYaml(await readFile(path.join(fixturesDir, "argo-rollouts", `${name}.yaml`), "utf8")) as Record<string, any>;
}

/** `{"event": …, "instance": …, "rollout": {{toJson .rollout}}}` */
export const rolloutNotification = (rollout: unknown, event: string, instance = "prod-eu") => ({ event, instance, rollout });
