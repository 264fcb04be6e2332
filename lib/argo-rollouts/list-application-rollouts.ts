// The Argo Rollouts progress of applications, for the release page and /api/v1/releases/{id}:
// each application's Rollouts (joined by the Argo CD instance's and application's names), shown
// for a release only while it is that release the application runs or last deployed.
import { z } from "zod";
import { readDb, type DbOrTx } from "../db/client";
import { ANALYSIS_STATUSES } from "./parse-rollout";
import { describeRolloutProgress, ROLLOUT_STATES } from "./merge-rollout-progress";
import { progressOf } from "./record-rollout-progress";

export const argoRolloutSchema = z
  .object({
    namespace: z.string(),
    name: z.string(),
    state: z.enum(ROLLOUT_STATES).meta({ description: "What the Rollout does now, by whichever of Argo CD and Argo Rollouts reported it last." }),
    summary: z.string().meta({ description: 'For people, e.g. "step 3 of 5, 40 % of traffic, analysis passing".' }),
    strategy: z.enum(["CANARY", "BLUE_GREEN"]).nullable(),
    currentStep: z.number().int().nullable().meta({ description: "Canary steps done (status.currentStepIndex); equals totalSteps once all are." }),
    totalSteps: z.number().int().nullable(),
    weight: z.number().int().nullable().meta({ description: "The canary's share of traffic, in percent." }),
    paused: z.boolean(),
    aborted: z.boolean(),
    analysisStatus: z.enum(ANALYSIS_STATUSES).nullable().meta({ description: "The worst of the Rollout's current analysis runs." }),
    activeSelector: z.string().nullable().meta({ description: "Blue-green: the pod-template hash the active service selects." }),
    previewSelector: z.string().nullable().meta({ description: "Blue-green: the pod-template hash the preview service selects." }),
    observedAt: z.date().nullable().meta({ description: "When the newest report of it was true." }),
  })
  .meta({ id: "ArgoRollout" });

export type ArgoRolloutView = z.output<typeof argoRolloutSchema>;

/** Each application's Rollouts, by application id; with `releaseId`, only where that release is current or last deployed. */
export async function listApplicationRollouts(applicationIds: number[], releaseId: number | null, db: DbOrTx = readDb()): Promise<Map<number, ArgoRolloutView[]>> {
  if (applicationIds.length === 0) return new Map();
  const rows = await db.$queryRaw<(Parameters<typeof progressOf>[0] & { application_id: number; namespace: string; name: string })[]>`
    SELECT a.id AS application_id, ar.*
    FROM applications a
    JOIN argo_instances i ON i.id = a.argo_instance_id
    JOIN argo_rollouts ar ON ar.argo_instance = i.name AND ar.application = a.name
    WHERE a.id = ANY(${applicationIds}::int[])
      AND (${releaseId}::int IS NULL OR a.current_release_id = ${releaseId}
        OR EXISTS (SELECT 1 FROM deployments d WHERE d.id = a.last_deployment_id AND d.release_id = ${releaseId}))
    ORDER BY a.id, ar.namespace, ar.name`;
  const byApplication = new Map<number, ArgoRolloutView[]>();
  for (const row of rows) {
    const progress = progressOf(row);
    const view: ArgoRolloutView = {
      namespace: row.namespace,
      name: row.name,
      state: progress.state,
      summary: describeRolloutProgress(progress),
      strategy: progress.strategy,
      currentStep: progress.currentStep,
      totalSteps: progress.totalSteps,
      weight: progress.weight,
      paused: progress.paused,
      aborted: progress.state === "ABORTED",
      analysisStatus: progress.analysisStatus,
      activeSelector: progress.activeSelector,
      previewSelector: progress.previewSelector,
      observedAt: [progress.observedAt, progress.healthObservedAt].reduce<Date | null>((newest, at) => (at && (!newest || at > newest) ? at : newest), null),
    };
    byApplication.set(row.application_id, [...(byApplication.get(row.application_id) ?? []), view]);
  }
  return byApplication;
}
