// The shapes a rollback is planned, requested and shown in: zod schemas so route handlers
// validate bodies with them and the UI types its calls on z.infer of the same objects.
// Everything here is JSON-serializable (dates are ISO strings).
import { z } from "zod";

const id = z.coerce.number().int().positive();

/**
 * Which of the applications running a release are rolled back (select-scoped-applications.ts).
 * Without one, a plan takes only the degraded or failed applications when some are healthy,
 * else all of them; the plan answers the selection it used.
 */
export const releaseSelectionSchema = z
  .discriminatedUnion("by", [
    z.object({ by: z.literal("all") }),
    z.object({ by: z.literal("degraded-or-failed") }),
    z.object({ by: z.literal("environment"), environment: z.string().trim().min(1).max(200) }),
    z.object({
      by: z.literal("regions"),
      // null: the clusters Shiplog knows no region of.
      regions: z.array(z.string().trim().min(1).max(200).nullable()).min(1, "choose at least one region").max(500),
    }),
    z.object({ by: z.literal("clusters"), clusters: z.array(z.string().trim().min(1).max(253)).min(1, "choose at least one cluster").max(2000) }),
  ])
  .meta({
    description:
      "Which applications running the release: `all`; `degraded-or-failed` (health Degraded, or the last sync failed); one `environment` by name; `regions` by name " +
      "(null for clusters without a region); `clusters` by name (every cluster of that name). Omitted: `degraded-or-failed` when some are healthy, else `all`.",
  });
export type ReleaseSelection = z.infer<typeof releaseSelectionSchema>;

/** What is rolled back: one application, the application of one deployment, or the applications running a release (all, or a selection). */
export const rollbackScopeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("application"), applicationId: id }),
  z.object({ kind: z.literal("deployment"), deploymentId: id }),
  z.object({ kind: z.literal("release"), releaseId: id, select: releaseSelectionSchema.optional() }),
]);
export type RollbackScope = z.infer<typeof rollbackScopeSchema>;

const choiceCounts = { applications: z.number().int(), degradedOrFailed: z.number().int() };

/** What a release scope can select, with counts: the dialog's choices. */
export const scopeChoicesSchema = z.object({
  /** Applications running the release now. */
  applications: z.number().int(),
  degradedOrFailed: z.number().int(),
  /** By environment rank. */
  environments: z.array(z.object({ name: z.string(), isProduction: z.boolean(), ...choiceCounts })),
  /** By name; null (clusters without a region) last. */
  regions: z.array(z.object({ region: z.string().nullable(), ...choiceCounts })),
  /** By name. */
  clusters: z.array(z.object({ name: z.string(), region: z.string().nullable(), environments: z.array(z.string()), ...choiceCounts })),
  /** The selection came from the default (none was asked for). */
  defaulted: z.boolean(),
});
export type ScopeChoices = z.infer<typeof scopeChoicesSchema>;

export const rollbackMethodSchema = z.enum(["ARGOCD", "GITOPS"]);
export type RollbackMethodName = z.infer<typeof rollbackMethodSchema>;

export const rollbackStateSchema = z.enum(["REQUESTED", "APPROVED", "EXECUTING", "WAITING_FOR_SYNC", "SUCCEEDED", "FAILED", "CANCELLED"]);

export const releaseRefSchema = z.object({
  id: z.number().int(),
  version: z.string(),
  firstSeenAt: z.string(),
  commitSha: z.string().nullable(),
});
export type ReleaseRef = z.infer<typeof releaseRefSchema>;

/** A release that may be chosen as the target: earlier than the one running, deployed there before. */
export const rollbackCandidateSchema = releaseRefSchema.extend({
  /** How many of the plan's applications ran it healthy (of `applications.length`). */
  healthyOn: z.number().int(),
  /** How many of the plan's applications ran it at all. */
  deployedOn: z.number().int(),
  lastDeployedAt: z.string(),
  isDefault: z.boolean(),
});
export type RollbackCandidate = z.infer<typeof rollbackCandidateSchema>;

export const methodOptionSchema = z.object({
  method: rollbackMethodSchema,
  available: z.boolean(),
  /** Why not, in plain words, when unavailable. */
  reason: z.string().nullable(),
});
export type MethodOption = z.infer<typeof methodOptionSchema>;

export const dryRunSchema = z.object({
  /** passed/failed: run against Argo CD or GitHub; not-run: not asked for; unavailable: the method has none. */
  status: z.enum(["passed", "failed", "not-run", "unavailable"]),
  message: z.string().nullable(),
});
export type DryRunResult = z.infer<typeof dryRunSchema>;

export const gitopsTargetSchema = z.object({
  /** Where the config repository is; plans stored before GitLab support are GitHub's. */
  forge: z.enum(["github", "gitlab"]).default("github"),
  /** owner/name on GitHub; host/group/project on GitLab. */
  repository: z.string(),
  /** Folder of the application's source in the config repository. */
  path: z.string(),
  /** Branch the pull request goes to (the application's targetRevision, or the default branch when that is HEAD). */
  baseBranch: z.string().nullable(),
});
export type GitopsTarget = z.infer<typeof gitopsTargetSchema>;

export const plannedApplicationSchema = z.object({
  applicationId: z.number().int(),
  name: z.string(),
  namespace: z.string(),
  argoInstance: z.string(),
  project: z.string(),
  cluster: z.object({ id: z.number().int(), name: z.string(), region: z.string().nullable() }),
  environment: z.object({ name: z.string(), rank: z.number().int(), isProduction: z.boolean() }),
  currentRelease: releaseRefSchema.nullable(),
  autoSync: z.boolean(),
  /** Argo CD's health of the application now. */
  health: z.string(),
  /** The method this application would be rolled back with, or null when none is possible. */
  method: rollbackMethodSchema.nullable(),
  methods: z.array(methodOptionSchema),
  /** Argo CD's history id of the target release on this application (for the Argo CD method). */
  argoHistoryId: z.number().int().nullable(),
  gitops: gitopsTargetSchema.nullable(),
  /** 0: the first cluster; 1: the rest, once wave 0 has succeeded. */
  wave: z.number().int(),
  /** Why this application cannot be rolled back as planned, in sentences that do not name it (so they group); empty when it can. */
  blockers: z.array(z.string()),
  dryRun: dryRunSchema,
});
export type PlannedApplication = z.infer<typeof plannedApplicationSchema>;

/** The applications of one environment and region, counted: what the dialog shows instead of one row per application. */
export const planGroupSchema = z.object({
  environment: z.string(),
  isProduction: z.boolean(),
  region: z.string().nullable(),
  applications: z.number().int(),
  clusters: z.number().int(),
  /** Waves its applications are in. */
  waves: z.array(z.number().int()),
  methods: z.object({ ARGOCD: z.number().int(), GITOPS: z.number().int(), none: z.number().int() }),
  dryRun: z.object({ passed: z.number().int(), failed: z.number().int(), notRun: z.number().int(), unavailable: z.number().int() }),
  /** Applications with at least one blocker. */
  blocked: z.number().int(),
  applicationIds: z.array(z.number().int()),
});
export type PlanGroup = z.infer<typeof planGroupSchema>;

/** One reason the plan cannot run, said once, with the applications it affects (none: the plan as a whole). */
export const blockerGroupSchema = z.object({ reason: z.string(), applicationIds: z.array(z.number().int()) });
export type BlockerGroup = z.infer<typeof blockerGroupSchema>;

export const rollbackPlanSchema = z.object({
  /** The scope planned; for a release, with the selection used (the default's, when none was asked for). */
  scope: rollbackScopeSchema,
  /** For a release scope: what else it could select, with counts; null for one application or deployment. */
  scopeChoices: scopeChoicesSchema.nullable(),
  service: z.object({ id: z.number().int(), name: z.string(), teamId: z.number().int().nullable() }),
  /** The release being rolled back from (the scope's release, or what the application runs). */
  fromRelease: releaseRefSchema.nullable(),
  /** The release to put back; null when there is no earlier release to go to. */
  target: releaseRefSchema.nullable(),
  candidates: z.array(rollbackCandidateSchema),
  applications: z.array(plannedApplicationSchema),
  /** The applications per environment (by rank) and region, with counts. */
  groups: z.array(planGroupSchema),
  waves: z.array(z.object({ wave: z.number().int(), clusters: z.array(z.string()), applicationIds: z.array(z.number().int()) })),
  /** Any affected application runs in a production environment. */
  production: z.boolean(),
  /** A second person must approve before it runs (SHIPLOG_ROLLBACK_APPROVAL). */
  approvalRequired: z.boolean(),
  /** Applications with auto-sync on (Argo CD refuses its own rollback for these). */
  autoSyncApplications: z.array(z.string()),
  /** The method when every application uses the same one; null when mixed or impossible. */
  method: rollbackMethodSchema.nullable(),
  /** Nothing blocks: requesting it will start (or await approval). */
  executable: z.boolean(),
  /** Why not, in plain words: each reason once, with the applications it affects (names, then a count). */
  blockers: z.array(z.string()),
  /** The same reasons with the ids of the applications each affects. */
  blockerGroups: z.array(blockerGroupSchema),
  /** Names exactly the applications planned: pass it back when requesting, so a scope that now selects others is refused (409) instead of acted on. */
  selectionDigest: z.string(),
  /** Active rollbacks already holding one of these applications. */
  activeRollbacks: z.array(z.object({ id: z.number().int(), applicationId: z.number().int(), state: rollbackStateSchema })),
});
export type RollbackPlan = z.infer<typeof rollbackPlanSchema>;

/** Body of a plan request: the scope, and optionally the target and method the user picked. */
export const planRollbackInputSchema = z.object({
  scope: rollbackScopeSchema,
  targetReleaseId: id.optional(),
  method: rollbackMethodSchema.optional(),
  /** Ask Argo CD (dryRun: true) or read the config file on GitHub without changing anything. */
  dryRun: z.boolean().default(false),
});
export type PlanRollbackInput = z.input<typeof planRollbackInputSchema>;

/** Body of a rollback request. The server plans again from these; it never trusts a client's plan. */
export const requestRollbackInputSchema = z.object({
  scope: rollbackScopeSchema,
  targetReleaseId: id,
  method: rollbackMethodSchema.optional(),
  /** The plan's `selectionDigest`: when given, the request is refused (409) if the scope now selects other applications than the plan showed. */
  selectionDigest: z.string().trim().min(1).max(100).optional(),
  reason: z.string().trim().min(1, "a reason is required").max(2000),
  /** Chosen by the client once per dialog: a double click or a retried request finds the same rollback. */
  idempotencyKey: z.string().trim().min(8, "at least 8 characters").max(200),
});
export type RequestRollbackInput = z.input<typeof requestRollbackInputSchema>;

/** Who does something and under which request id (for the audit trail). */
export type RollbackActor = { actor: string; requestId?: string | null };

export const rollbackTransitionViewSchema = z.object({
  fromState: rollbackStateSchema.nullable(),
  toState: rollbackStateSchema,
  actor: z.string(),
  note: z.string().nullable(),
  at: z.string(),
});

/** One rollback as the API and the pages show it. */
export const rollbackViewSchema = z.object({
  id: z.number().int(),
  groupId: z.string().nullable(),
  wave: z.number().int(),
  application: z.object({ id: z.number().int(), name: z.string(), namespace: z.string(), cluster: z.string(), environment: z.string() }),
  service: z.object({ id: z.number().int(), name: z.string(), teamId: z.number().int().nullable() }),
  method: rollbackMethodSchema,
  state: rollbackStateSchema,
  reason: z.string(),
  requestedBy: z.string(),
  approvedBy: z.string().nullable(),
  approvalRequired: z.boolean(),
  fromRelease: z.object({ id: z.number().int(), version: z.string() }).nullable(),
  toRelease: z.object({ id: z.number().int(), version: z.string() }),
  argoHistoryId: z.number().int().nullable(),
  pullRequestUrl: z.string().nullable(),
  error: z.string().nullable(),
  requestedAt: z.string(),
  stateChangedAt: z.string(),
  finishedAt: z.string().nullable(),
  resultDeploymentId: z.number().int().nullable(),
  transitions: z.array(rollbackTransitionViewSchema),
});
export type RollbackView = z.infer<typeof rollbackViewSchema>;
