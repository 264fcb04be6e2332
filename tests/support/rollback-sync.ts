// The Argo CD notifications that follow a sync, built from the real Application fixture: the
// rollback tests (lib and browser) replay what Argo CD Notifications sends while the rollback's
// sync runs, succeeds or fails, and the application turns healthy or degraded.
type Json = Record<string, any>;

export type SyncStep = "running" | "succeeded" | "degraded" | "healthy";

/** The notification trigger Argo CD fires at each step (notifications_catalog). */
export const SYNC_STEP_EVENTS: Record<SyncStep, string> = {
  running: "on-sync-running",
  succeeded: "on-sync-succeeded",
  degraded: "on-health-degraded",
  healthy: "on-deployed",
};

export type Sync = {
  fromTag: string;
  tag: string;
  /** The Argo CD history id the sync adds. */
  historyId: number;
  startedAt: Date;
  /** The sync itself fails (images stay at fromTag). */
  failed?: boolean;
};

/** Seconds after the sync started at which each later step is reconciled; the sync finishes at `succeeded`. */
export type StepSeconds = Record<Exclude<SyncStep, "running">, number>;

const DEFAULT_STEP_SECONDS: StepSeconds = { succeeded: 120, degraded: 180, healthy: 240 };
/** The "running" step is reconciled this long after the sync started. */
const RUNNING_SECONDS = 5;

export const veleroImage = (tag: string) => `europe-west1-docker.pkg.dev/foo/images/velero:${tag}`;
const iso = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000).toISOString();

/** `base` (the fixture's Application, or a copy of it) at one step of `sync`. */
export function applicationAtSyncStep(base: Json, sync: Sync, step: SyncStep, stepSeconds: StepSeconds = DEFAULT_STEP_SECONDS): Json {
  // Shiplog keeps the newest observation of an application (reconciledAt): a later step dated
  // before "running" would lose to it, and the sync would silently keep the old image.
  if (Object.values(stepSeconds).some((seconds) => seconds <= RUNNING_SECONDS)) {
    throw new Error(`every step after "running" must be reconciled more than ${RUNNING_SECONDS} s after the sync started (got ${JSON.stringify(stepSeconds)})`);
  }
  const app = structuredClone(base);
  const revision = `c0ffee${String(sync.historyId).padStart(34, "0")}`;
  const state = app.status.operationState;
  state.startedAt = sync.startedAt.toISOString();
  state.operation.sync.revision = revision;
  state.operation.initiatedBy = { username: "sre@acme.dev" };
  if (step === "running") {
    state.phase = "Running";
    state.message = "waiting for healthy state of apps/Deployment/velero";
    delete state.finishedAt;
    delete state.syncResult;
    app.status.sync.status = "OutOfSync";
    app.status.health.status = "Progressing";
    app.status.summary.images = [veleroImage(sync.fromTag)];
    app.status.reconciledAt = iso(sync.startedAt, RUNNING_SECONDS);
    return app;
  }
  const finishedAt = iso(sync.startedAt, stepSeconds.succeeded);
  state.finishedAt = finishedAt;
  if (sync.failed) {
    state.phase = "Failed";
    state.message = "one or more objects failed to apply, reason: admission webhook denied the request";
    delete state.syncResult;
    app.status.sync.status = "OutOfSync";
    app.status.summary.images = [veleroImage(sync.fromTag)];
    app.status.reconciledAt = finishedAt;
    return app;
  }
  state.phase = "Succeeded";
  state.message = "successfully synced (all tasks run)";
  state.syncResult.revision = revision;
  app.status.sync = { ...app.status.sync, status: "Synced", revision };
  app.status.summary.images = [veleroImage(sync.tag)];
  app.status.history = [...app.status.history, { ...app.status.history.at(-1), id: sync.historyId, revision, deployStartedAt: state.startedAt, deployedAt: finishedAt }];
  app.status.health =
    step === "degraded" ? { status: "Degraded", message: "Deployment has exceeded its progress deadline" } : { status: step === "healthy" ? "Healthy" : "Progressing" };
  app.status.reconciledAt = iso(sync.startedAt, stepSeconds[step]);
  return app;
}
