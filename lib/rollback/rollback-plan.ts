// The shapes a rollback is planned, requested and shown in: zod schemas so route handlers
// validate bodies with them and the UI types its calls on z.infer of the same objects.
// Everything here is JSON-serializable (dates are ISO strings).
import { z } from "zod";

const id = z.coerce.number().int().positive();

/** What is rolled back: one application, the application of one deployment, or every application running a release. */
export const rollbackScopeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("application"), applicationId: id }),
  z.object({ kind: z.literal("deployment"), deploymentId: id }),
  z.object({ kind: z.literal("release"), releaseId: id }),
]);
export type RollbackScope = z.infer<typeof rollbackScopeSchema>;

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
  /** owner/name on GitHub. */
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
  cluster: z.object({ id: z.number().int(), name: z.string() }),
  environment: z.object({ name: z.string(), isProduction: z.boolean() }),
  currentRelease: releaseRefSchema.nullable(),
  autoSync: z.boolean(),
  /** The method this application would be rolled back with, or null when none is possible. */
  method: rollbackMethodSchema.nullable(),
  methods: z.array(methodOptionSchema),
  /** Argo CD's history id of the target release on this application (for the Argo CD method). */
  argoHistoryId: z.number().int().nullable(),
  gitops: gitopsTargetSchema.nullable(),
  /** 0: the first cluster; 1: the rest, once wave 0 has succeeded. */
  wave: z.number().int(),
  /** Why this application cannot be rolled back as planned; empty when it can. */
  blockers: z.array(z.string()),
  dryRun: dryRunSchema,
});
export type PlannedApplication = z.infer<typeof plannedApplicationSchema>;

export const rollbackPlanSchema = z.object({
  scope: rollbackScopeSchema,
  service: z.object({ id: z.number().int(), name: z.string(), teamId: z.number().int().nullable() }),
  /** The release being rolled back from (the scope's release, or what the application runs). */
  fromRelease: releaseRefSchema.nullable(),
  /** The release to put back; null when there is no earlier release to go to. */
  target: releaseRefSchema.nullable(),
  candidates: z.array(rollbackCandidateSchema),
  applications: z.array(plannedApplicationSchema),
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
  /** Why not, in plain words, naming applications. */
  blockers: z.array(z.string()),
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
