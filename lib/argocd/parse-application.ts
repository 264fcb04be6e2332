// Reads an Argo CD Application object, as an Argo CD notification renders it with
// `{{toJson .app}}`, into the ApplicationSnapshot the fleet model is built from. Only the fields
// Shiplog uses are declared; everything else the object carries is ignored. Optional parts of
// the object (status while an application is being created, status.resources, history,
// multi-source fields) may be absent; what the CRD requires (metadata name and namespace,
// spec, an operation's phase and start time) is checked and named in the error when missing.
import { z } from "zod";
import type { HealthStatus, OperationPhase, SyncStatus } from "../generated/prisma/enums";
import type { ApplicationSnapshot, SyncOperation } from "./application-snapshot";
import { MANIFEST_GENERATE_PATHS } from "../fleet/application-paths";
import { applicationSourcesOf } from "./application-sources";
import { rolloutResourcesOf } from "../argo-rollouts/rollout-resources";

// Kubernetes serialises metav1.Time as RFC 3339 ("2024-03-05T07:33:04Z").
const time = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const optionalText = z.string().nullish();
const revisionList = z.array(z.string()).nullish();

const sourceSchema = z.object({
  repoURL: optionalText,
  path: optionalText,
  chart: optionalText,
  targetRevision: optionalText,
  ref: optionalText,
  name: optionalText,
});

const historyEntrySchema = z.object({
  id: z.number().int(),
  revision: optionalText,
  revisions: revisionList,
  deployStartedAt: time.nullish(),
  deployedAt: time,
});

const operationStateSchema = z.object({
  phase: z.enum(["Running", "Terminating", "Succeeded", "Failed", "Error"]),
  startedAt: time,
  finishedAt: time.nullish(),
  message: optionalText,
  operation: z
    .object({
      initiatedBy: z.object({ username: optionalText, automated: z.boolean().nullish() }).nullish(),
      sync: z.object({ revision: optionalText, revisions: revisionList }).nullish(),
    })
    .nullish(),
  syncResult: z.object({ revision: optionalText, revisions: revisionList }).nullish(),
});

export const applicationObjectSchema = z.object({
  metadata: z.object({
    name: z.string().min(1),
    namespace: z.string().min(1),
    uid: optionalText,
    labels: z.record(z.string(), z.string()).nullish(),
    // Only one annotation is read; others (kubectl's last-applied-configuration…) are not kept.
    annotations: z.record(z.string(), z.unknown()).nullish(),
    ownerReferences: z.array(z.object({ kind: z.string(), name: z.string() })).nullish(),
    creationTimestamp: time.nullish(),
    deletionTimestamp: time.nullish(),
  }),
  spec: z.object({
    project: optionalText,
    source: sourceSchema.nullish(),
    sources: z.array(sourceSchema).nullish(),
    destination: z.object({ server: optionalText, name: optionalText, namespace: optionalText }).nullish(),
    syncPolicy: z.object({ automated: z.object({ enabled: z.boolean().nullish() }).nullish() }).nullish(),
  }),
  status: z
    .object({
      reconciledAt: time.nullish(),
      sync: z.object({ status: optionalText, revision: optionalText, revisions: revisionList }).nullish(),
      health: z.object({ status: optionalText, message: optionalText, lastTransitionTime: time.nullish() }).nullish(),
      summary: z.object({ images: z.array(z.string()).nullish() }).nullish(),
      operationState: operationStateSchema.nullish(),
      // Entries are read one by one (below): a malformed old entry must not reject the object.
      history: z.array(z.unknown()).nullish(),
      // Only Argo Rollouts' Rollouts are read from it (lib/argo-rollouts/rollout-resources.ts), entry by entry.
      resources: z.array(z.unknown()).nullish(),
    })
    .nullish(),
});

export type ApplicationObject = z.infer<typeof applicationObjectSchema>;

const SYNC_STATUS: Record<string, SyncStatus> = { Synced: "SYNCED", OutOfSync: "OUT_OF_SYNC", Unknown: "UNKNOWN" };
const HEALTH_STATUS: Record<string, HealthStatus> = {
  Healthy: "HEALTHY",
  Progressing: "PROGRESSING",
  Degraded: "DEGRADED",
  Suspended: "SUSPENDED",
  Missing: "MISSING",
  Unknown: "UNKNOWN",
};
const OPERATION_PHASE: Record<z.infer<typeof operationStateSchema>["phase"], OperationPhase> = {
  Running: "RUNNING",
  Terminating: "TERMINATING",
  Succeeded: "SUCCEEDED",
  Failed: "FAILED",
  Error: "ERROR",
};

/**
 * The snapshot one Application object states. `instance` names the Argo CD that reported it
 * (the notification body's `instance`). Throws a ZodError naming each missing or malformed
 * required field.
 */
export function parseApplication(app: unknown, instance: string): ApplicationSnapshot {
  const object = applicationObjectSchema.parse(app);
  const observedAt = observedAtOf(object);
  if (!observedAt) {
    // Unreachable for objects from the API server, which always sets creationTimestamp.
    throw new z.ZodError([
      {
        code: "custom",
        path: ["status", "reconciledAt"],
        message: "the Application carries no timestamp (status.reconciledAt, status.operationState, metadata.creationTimestamp)",
        input: undefined,
      },
    ]);
  }
  const { metadata, spec } = object;
  const status = object.status ?? {};
  // Multi-source applications: the first source with a repository stands for the application.
  const source = spec.source ?? spec.sources?.find((candidate) => candidate.repoURL) ?? spec.sources?.[0];
  const history = latestHistory(status.history ?? []);
  return {
    instance,
    namespace: metadata.namespace,
    name: metadata.name,
    uid: metadata.uid ?? undefined,
    labels: metadata.labels ?? {},
    manifestGeneratePaths: stringOrUndefined(metadata.annotations?.[MANIFEST_GENERATE_PATHS]),
    applicationSet: metadata.ownerReferences?.find((owner) => owner.kind === "ApplicationSet")?.name,
    project: spec.project || "default",
    source: {
      repoUrl: source?.repoURL ?? undefined,
      path: source?.path ?? undefined,
      chart: source?.chart ?? undefined,
      targetRevision: source?.targetRevision ?? undefined,
    },
    // Every source, when there are several (spec.sources): their repositories, charts and synced revisions.
    sources: spec.source || !spec.sources?.length ? undefined : applicationSourcesOf(spec.sources, status.sync?.revisions),
    destination: {
      server: spec.destination?.server ?? undefined,
      name: spec.destination?.name ?? undefined,
      namespace: spec.destination?.namespace ?? undefined,
    },
    // `automated: {}` turns auto-sync on; newer Argo CD can keep the block with `enabled: false`.
    autoSync: spec.syncPolicy?.automated != null && spec.syncPolicy.automated.enabled !== false,
    sync: {
      status: SYNC_STATUS[status.sync?.status ?? ""] ?? "UNKNOWN",
      revision: status.sync?.revision ?? status.sync?.revisions?.[0] ?? undefined,
    },
    health: {
      status: HEALTH_STATUS[status.health?.status ?? ""] ?? "UNKNOWN",
      message: status.health?.message ?? undefined,
    },
    images: status.summary?.images ?? [],
    operation: status.operationState ? operationOf(status.operationState) : undefined,
    latestHistory: history,
    rollouts: nonEmpty(rolloutResourcesOf(status.resources ?? [])),
    observedAt,
  };
}

/** When deletion of the application was requested (metadata.deletionTimestamp), if it was. */
export function applicationDeletionRequestedAt(app: unknown): Date | undefined {
  const parsed = z.object({ metadata: z.object({ deletionTimestamp: time.nullish() }) }).safeParse(app);
  return parsed.success ? (parsed.data.metadata.deletionTimestamp ?? undefined) : undefined;
}

function operationOf(state: z.infer<typeof operationStateSchema>): SyncOperation {
  const initiatedBy = state.operation?.initiatedBy;
  return {
    phase: OPERATION_PHASE[state.phase],
    startedAt: state.startedAt,
    finishedAt: state.finishedAt ?? undefined,
    // What was synced, else what the operation asked for (a running sync has no result yet).
    revision:
      state.syncResult?.revision ??
      state.syncResult?.revisions?.[0] ??
      state.operation?.sync?.revision ??
      state.operation?.sync?.revisions?.[0] ??
      undefined,
    revisions: state.syncResult?.revisions ?? state.operation?.sync?.revisions ?? undefined,
    initiatedBy: initiatedBy?.automated ? undefined : (initiatedBy?.username ?? undefined),
    automated: initiatedBy?.automated === true,
    message: state.message ?? undefined,
  };
}

/** The newest well-formed entry of status.history (the highest id). */
function latestHistory(entries: unknown[]): ApplicationSnapshot["latestHistory"] {
  let latest: z.infer<typeof historyEntrySchema> | undefined;
  for (const entry of entries) {
    const parsed = historyEntrySchema.safeParse(entry);
    if (parsed.success && (!latest || parsed.data.id > latest.id)) latest = parsed.data;
  }
  if (!latest) return undefined;
  return {
    id: latest.id,
    revision: latest.revision ?? latest.revisions?.[0] ?? undefined,
    deployStartedAt: latest.deployStartedAt ?? undefined,
    deployedAt: latest.deployedAt,
  };
}

/**
 * When the state the object shows was true: the newest timestamp it carries. A notification
 * does not say when it was rendered, and its arrival time is the network's, not Argo CD's:
 * retries and redeliveries reorder arrivals, and a replay months later would stamp everything
 * "now". The object's own timestamps come from the one clock that produced the state (the
 * application controller) and only grow from one observation of an application to the next,
 * so "newest timestamp" orders observations the way they happened and replays reproduce it.
 */
function observedAtOf(object: ApplicationObject): Date | undefined {
  const status = object.status;
  const candidates = [
    status?.reconciledAt,
    status?.operationState?.startedAt,
    status?.operationState?.finishedAt,
    status?.health?.lastTransitionTime,
    latestHistory(status?.history ?? [])?.deployedAt,
    object.metadata.deletionTimestamp,
    object.metadata.creationTimestamp,
  ];
  let newest: Date | undefined;
  for (const candidate of candidates) {
    if (candidate && (!newest || candidate > newest)) newest = candidate;
  }
  return newest;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
