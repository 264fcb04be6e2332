// Reads an Argo Rollouts `Rollout` object, as Argo Rollouts' notification engine renders it with
// `{{toJson .rollout}}`, into one observation of its progress: strategy, canary step and weight,
// pause, abort, analysis, blue-green active and preview. Rollouts before v1.2 carry no
// status.phase; the phase is then derived from the fields it summarises, as the controller does.
// The notification's trigger is evidence too: Argo Rollouts can render a notification from the
// object as it was before the change that fired it (argoproj/argo-rollouts#3535), so
// on-rollout-aborted means aborted, and on-analysis-run-failed a failed analysis, whatever the
// rendered status still says.
import { z } from "zod";

const time = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const optionalText = z.string().nullish();
const analysisRunStatus = z.looseObject({ name: optionalText, status: optionalText, message: optionalText }).nullish();

export const rolloutObjectSchema = z.looseObject({
  metadata: z.looseObject({
    name: z.string().min(1).max(253),
    namespace: z.string().min(1).max(253),
    uid: optionalText,
    annotations: z.record(z.string(), z.unknown()).nullish(),
    labels: z.record(z.string(), z.unknown()).nullish(),
    creationTimestamp: time.nullish(),
  }),
  spec: z
    .looseObject({
      paused: z.boolean().nullish(),
      strategy: z
        .looseObject({
          canary: z.looseObject({ steps: z.array(z.looseObject({ setWeight: z.number().int().nullish() })).nullish() }).nullish(),
          blueGreen: z.looseObject({}).nullish(),
        })
        .nullish(),
      template: z
        .looseObject({ spec: z.looseObject({ containers: z.array(z.looseObject({ image: optionalText })).nullish() }).nullish() })
        .nullish(),
    })
    .nullish(),
  status: z
    .looseObject({
      phase: optionalText,
      message: optionalText,
      abort: z.boolean().nullish(),
      abortedAt: time.nullish(),
      controllerPause: z.boolean().nullish(),
      pauseConditions: z.array(z.looseObject({ reason: optionalText, startTime: time.nullish() })).nullish(),
      currentStepIndex: z.number().int().nullish(),
      currentPodHash: optionalText,
      stableRS: optionalText,
      conditions: z
        .array(z.looseObject({ type: optionalText, reason: optionalText, message: optionalText, lastUpdateTime: time.nullish(), lastTransitionTime: time.nullish() }))
        .nullish(),
      canary: z
        .looseObject({
          currentStepAnalysisRunStatus: analysisRunStatus,
          currentBackgroundAnalysisRunStatus: analysisRunStatus,
          weights: z.looseObject({ canary: z.looseObject({ weight: z.number().int().nullish() }).nullish() }).nullish(),
        })
        .nullish(),
      blueGreen: z
        .looseObject({
          activeSelector: optionalText,
          previewSelector: optionalText,
          prePromotionAnalysisRunStatus: analysisRunStatus,
          postPromotionAnalysisRunStatus: analysisRunStatus,
        })
        .nullish(),
    })
    .nullish(),
});

export type RolloutObject = z.infer<typeof rolloutObjectSchema>;

export const ROLLOUT_PHASES = ["Progressing", "Paused", "Healthy", "Degraded"] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];
/** AnalysisRun phases (argoproj.io/v1alpha1 AnalysisPhase), worst last. */
export const ANALYSIS_STATUSES = ["Successful", "Pending", "Running", "Inconclusive", "Error", "Failed"] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

export type RolloutObservation = {
  namespace: string;
  name: string;
  /** The Argo CD application that manages it (its tracking annotation or label), when it says. */
  application: { name: string; namespace?: string } | null;
  event: string;
  strategy: "CANARY" | "BLUE_GREEN" | null;
  phase: RolloutPhase;
  message: string | null;
  /** rollout.argoproj.io/revision: grows with every update of the pod template. */
  revision: number | null;
  /** status.currentStepIndex: how many canary steps are done (equal to totalSteps when all are). */
  currentStep: number | null;
  totalSteps: number | null;
  /** Canary: the share of traffic (or of replicas, without a traffic router) the canary has. */
  weight: number | null;
  paused: boolean;
  aborted: boolean;
  abortedAt: Date | null;
  analysisStatus: AnalysisStatus | null;
  analysisMessage: string | null;
  stableHash: string | null;
  currentHash: string | null;
  activeSelector: string | null;
  previewSelector: string | null;
  images: string[];
  /** The newest timestamp the object carries: when this state was true. */
  observedAt: Date;
};

/** Throws a ZodError naming each missing or malformed field. */
export function parseRollout(object: unknown, event: string): RolloutObservation {
  const rollout = rolloutObjectSchema.parse(object);
  const status = rollout.status ?? {};
  const strategy = rollout.spec?.strategy?.canary ? "CANARY" : rollout.spec?.strategy?.blueGreen ? "BLUE_GREEN" : null;
  const steps = rollout.spec?.strategy?.canary?.steps ?? null;
  const aborted = status.abort === true || event === "on-rollout-aborted";
  const paused = !aborted && ((status.pauseConditions?.length ?? 0) > 0 || rollout.spec?.paused === true);
  const stepIndex = strategy === "CANARY" ? (status.currentStepIndex ?? (steps ? 0 : null)) : null;
  const analysis = analysisOf(status, event);
  const observedAt = observedAtOf(rollout);
  if (!observedAt) {
    throw new z.ZodError([
      { code: "custom", path: ["metadata", "creationTimestamp"], message: "the Rollout carries no timestamp (status.conditions, metadata.creationTimestamp)", input: undefined },
    ]);
  }
  const revision = Number(rollout.metadata.annotations?.["rollout.argoproj.io/revision"]);
  return {
    namespace: rollout.metadata.namespace,
    name: rollout.metadata.name,
    application: trackedApplication(rollout),
    event,
    strategy,
    phase: phaseOf(status, { aborted, paused, event }),
    message: status.message ?? progressingCondition(status)?.message ?? null,
    revision: Number.isSafeInteger(revision) ? revision : null,
    currentStep: stepIndex,
    totalSteps: strategy === "CANARY" ? (steps?.length ?? 0) : null,
    weight: strategy === "CANARY" ? canaryWeight(status, steps, stepIndex, aborted) : null,
    paused,
    aborted,
    abortedAt: aborted ? (status.abortedAt ?? observedAt) : null,
    analysisStatus: analysis?.status ?? null,
    analysisMessage: analysis?.message ?? null,
    stableHash: status.stableRS ?? null,
    currentHash: status.currentPodHash ?? null,
    activeSelector: status.blueGreen?.activeSelector ?? null,
    previewSelector: status.blueGreen?.previewSelector ?? null,
    images: [...new Set((rollout.spec?.template?.spec?.containers ?? []).flatMap((container) => (container.image ? [container.image] : [])))].sort(),
    observedAt,
  };
}

type RolloutStatus = NonNullable<RolloutObject["status"]>;

/**
 * The canary's weight. Argo Rollouts reports it under status.canary.weights when a traffic router
 * sets it; otherwise it is the last setWeight at or before the current step, 100 once every step
 * is done and 0 after an abort (replicasetutil.GetCurrentSetWeight).
 */
function canaryWeight(status: RolloutStatus, steps: { setWeight?: number | null }[] | null, stepIndex: number | null, aborted: boolean): number | null {
  const routed = status.canary?.weights?.canary?.weight;
  if (routed != null) return routed;
  if (aborted) return 0;
  if (!steps || stepIndex === null) return null;
  if (stepIndex >= steps.length) return 100;
  for (let index = stepIndex; index >= 0; index -= 1) {
    const weight = steps[index]?.setWeight;
    if (weight != null) return weight;
  }
  return 0;
}

const ANALYSIS_EVENTS: Record<string, AnalysisStatus> = {
  "on-analysis-run-failed": "Failed",
  "on-analysis-run-error": "Error",
  "on-analysis-run-running": "Running",
};

/** The worst of the rollout's current analysis runs, and what the trigger says of them. */
function analysisOf(status: RolloutStatus, event: string): { status: AnalysisStatus; message: string | null } | null {
  const runs = [
    status.canary?.currentStepAnalysisRunStatus,
    status.canary?.currentBackgroundAnalysisRunStatus,
    status.blueGreen?.prePromotionAnalysisRunStatus,
    status.blueGreen?.postPromotionAnalysisRunStatus,
  ].flatMap((run) => {
    const known = ANALYSIS_STATUSES.find((candidate) => candidate === run?.status);
    return known ? [{ status: known, message: run?.message ?? null }] : [];
  });
  // A pause for an inconclusive run names no run status of its own.
  if (status.pauseConditions?.some((condition) => condition.reason === "InconclusiveAnalysisRun")) runs.push({ status: "Inconclusive", message: null });
  const fromEvent = ANALYSIS_EVENTS[event];
  if (fromEvent) runs.push({ status: fromEvent, message: null });
  let worst: { status: AnalysisStatus; message: string | null } | null = null;
  for (const run of runs) {
    if (!worst || ANALYSIS_STATUSES.indexOf(run.status) > ANALYSIS_STATUSES.indexOf(worst.status)) worst = run;
  }
  return worst;
}

function phaseOf(status: RolloutStatus, facts: { aborted: boolean; paused: boolean; event: string }): RolloutPhase {
  if (facts.aborted) return "Degraded";
  if (facts.event === "on-rollout-completed") return "Healthy";
  const reported = ROLLOUT_PHASES.find((phase) => phase === status.phase);
  if (reported) return reported;
  // Before v1.2 (no status.phase): what rolloututil.CalculateRolloutPhase derives.
  if (status.conditions?.some((condition) => condition.type === "InvalidSpec" || condition.reason === "ProgressDeadlineExceeded")) return "Degraded";
  if (facts.paused) return "Paused";
  if (status.currentPodHash && status.currentPodHash === status.stableRS) return "Healthy";
  return "Progressing";
}

function progressingCondition(status: RolloutStatus) {
  return status.conditions?.find((condition) => condition.type === "Progressing");
}

/**
 * Argo CD marks what it manages with the `argocd.argoproj.io/tracking-id` annotation
 * (`<app>:<group>/<kind>:<namespace>/<name>`, `<app namespace>_<app>` for applications outside
 * Argo CD's namespace) or, with label tracking, the `app.kubernetes.io/instance` label.
 */
export function trackedApplication(rollout: Pick<RolloutObject, "metadata">): { name: string; namespace?: string } | null {
  const trackingId = rollout.metadata.annotations?.["argocd.argoproj.io/tracking-id"];
  if (typeof trackingId === "string" && trackingId.includes(":")) {
    const app = trackingId.slice(0, trackingId.indexOf(":"));
    const separator = app.indexOf("_");
    if (separator > 0) return { namespace: app.slice(0, separator), name: app.slice(separator + 1) };
    if (app !== "") return { name: app };
  }
  const label = rollout.metadata.labels?.["app.kubernetes.io/instance"];
  return typeof label === "string" && label !== "" ? { name: label } : null;
}

function observedAtOf(rollout: RolloutObject): Date | undefined {
  const status = rollout.status;
  const candidates = [
    rollout.metadata.creationTimestamp,
    status?.abortedAt,
    ...(status?.pauseConditions ?? []).map((condition) => condition.startTime),
    ...(status?.conditions ?? []).flatMap((condition) => [condition.lastUpdateTime, condition.lastTransitionTime]),
  ];
  let newest: Date | undefined;
  for (const candidate of candidates) if (candidate && (!newest || candidate > newest)) newest = candidate;
  return newest;
}
