// The shapes a promotion is planned, requested and shown in: zod schemas so route handlers
// validate bodies with them and the pages type their calls on z.infer of the same objects.
// Everything here is JSON-serializable (dates are ISO strings).
import { z } from "zod";
import { dryRunSchema, gitopsTargetSchema } from "../rollback/rollback-plan";

const id = z.coerce.number().int().positive();

export const promotionSelectionSchema = z
  .discriminatedUnion("by", [
    z.object({ by: z.literal("all") }),
    z.object({ by: z.literal("regions"), regions: z.array(z.string().trim().min(1).max(200).nullable()).min(1, "choose at least one region").max(500) }),
    z.object({ by: z.literal("clusters"), clusters: z.array(z.string().trim().min(1).max(253)).min(1, "choose at least one cluster").max(2000) }),
  ])
  .meta({ description: "Which of the service's applications in the target environment: `all`; `regions` by name (null: clusters without a region); `clusters` by name." });
export type PromotionSelection = z.infer<typeof promotionSelectionSchema>;

/** Overrides of the wave settings for one promotion (defaults: SHIPLOG_PROMOTION_* settings). */
export const waveOptionsSchema = z.object({
  canaryClusters: z.number().int().min(0).max(50).optional(),
  waveSize: z.number().int().min(0).max(1000).optional(),
  regionOrder: z.array(z.string().trim().min(1).max(200)).max(500).optional(),
  soakMinutes: z.number().min(0).max(24 * 60).optional(),
});

export const promotionMethodSchema = z.enum(["ARGOCD", "GITOPS"]);

export const planPromotionInputSchema = z.object({
  releaseId: id,
  /** The target environment, by name. */
  environment: z.string().trim().min(1).max(200),
  select: promotionSelectionSchema.default({ by: "all" }),
  waves: waveOptionsSchema.default({}),
  /** Read each config file on GitHub and compute the edit, or ask Argo CD for a dry-run sync, without changing anything. */
  dryRun: z.boolean().default(false),
});
export type PlanPromotionInput = z.input<typeof planPromotionInputSchema>;

export const requestPromotionInputSchema = planPromotionInputSchema.omit({ dryRun: true }).extend({
  /** The plan's `selectionDigest`: the request is refused (409) if the scope now selects other applications. */
  selectionDigest: z.string().trim().min(1).max(100).optional(),
  reason: z.string().trim().max(2000).default(""),
  idempotencyKey: z.string().trim().min(8, "at least 8 characters").max(200),
});
export type RequestPromotionInput = z.input<typeof requestPromotionInputSchema>;

/** Body of POST /api/v1/promotions: a plan with `dryRun: true`, else the promotion (the Idempotency-Key comes as a header). */
export const promotionBodySchema = planPromotionInputSchema.extend({
  selectionDigest: z.string().trim().min(1).max(100).optional(),
  reason: z.string().trim().max(2000).default(""),
});

export const plannedPromotionApplicationSchema = z.object({
  applicationId: z.number().int(),
  name: z.string(),
  namespace: z.string(),
  argoInstance: z.string(),
  cluster: z.object({ name: z.string(), region: z.string().nullable() }),
  currentRelease: z.object({ id: z.number().int(), version: z.string() }).nullable(),
  autoSync: z.boolean(),
  health: z.string(),
  /** GITOPS: a pull request setting the image tag; ARGOCD: a sync to the config revision the release ran with before (no auto-sync only). */
  method: promotionMethodSchema.nullable(),
  gitops: gitopsTargetSchema.nullable(),
  /** The config revision an Argo CD sync goes to. */
  argoRevision: z.string().nullable(),
  wave: z.number().int(),
  blockers: z.array(z.string()),
  dryRun: dryRunSchema,
});
export type PlannedPromotionApplication = z.infer<typeof plannedPromotionApplicationSchema>;

export const plannedWaveSchema = z.object({
  index: z.number().int(),
  kind: z.enum(["canary", "region"]),
  region: z.string().nullable(),
  clusters: z.array(z.string()),
  applicationIds: z.array(z.number().int()),
});

export const promotionPlanSchema = z.object({
  service: z.object({ id: z.number().int(), name: z.string(), teamId: z.number().int().nullable() }),
  release: z.object({ id: z.number().int(), version: z.string(), image: z.string().nullable(), imageTag: z.string().nullable() }),
  environment: z.object({ id: z.number().int(), name: z.string(), isProduction: z.boolean() }),
  select: promotionSelectionSchema,
  /** What the scope could select: the regions and clusters of the service in the target environment. */
  choices: z.object({
    regions: z.array(z.object({ region: z.string().nullable(), applications: z.number().int() })),
    clusters: z.array(z.object({ name: z.string(), region: z.string().nullable(), applications: z.number().int() })),
  }),
  applications: z.array(plannedPromotionApplicationSchema),
  /** Applications of the scope that already run the release (left out). */
  alreadyRunning: z.number().int(),
  waves: z.array(plannedWaveSchema),
  settings: z.object({ canaryClusters: z.number().int(), waveSize: z.number().int(), regionOrder: z.array(z.string()), soakMinutes: z.number(), timeoutMinutes: z.number(), autoRollback: z.boolean() }),
  approvalRequired: z.boolean(),
  executable: z.boolean(),
  /** Each reason once, naming up to three applications. */
  blockers: z.array(z.string()),
  selectionDigest: z.string(),
  /** The active promotion of this service and environment, if any (a new one would be refused). */
  activePromotionId: z.number().int().nullable(),
});
export type PromotionPlan = z.infer<typeof promotionPlanSchema>;

export const promotionStateSchema = z.enum(["AWAITING_APPROVAL", "RUNNING", "PAUSED", "SUCCEEDED", "FAILED", "ABORTED"]);
export const promotionWaveStateSchema = z.enum(["PENDING", "RUNNING", "SOAKING", "SUCCEEDED", "FAILED", "CANCELLED"]);
export const promotionApplicationStateSchema = z.enum(["PENDING", "EXECUTING", "WAITING", "SUCCEEDED", "FAILED", "CANCELLED"]);

/** Who does something and under which request id (for the audit trail). */
export type PromotionActor = { actor: string; requestId?: string | null };

export const promotionViewSchema = z.object({
  id: z.number().int(),
  state: promotionStateSchema,
  service: z.object({ id: z.number().int(), name: z.string(), teamId: z.number().int().nullable() }),
  release: z.object({ id: z.number().int(), version: z.string() }),
  environment: z.object({ name: z.string(), isProduction: z.boolean() }),
  reason: z.string(),
  requestedBy: z.string(),
  approvedBy: z.string().nullable(),
  approvalRequired: z.boolean(),
  autoRollback: z.boolean(),
  soakMinutes: z.number(),
  currentWave: z.number().int(),
  error: z.string().nullable(),
  requestedAt: z.string(),
  finishedAt: z.string().nullable(),
  waves: z.array(
    z.object({
      index: z.number().int(),
      kind: z.enum(["canary", "region"]),
      region: z.string().nullable(),
      clusters: z.array(z.string()),
      state: promotionWaveStateSchema,
      startedAt: z.string().nullable(),
      healthySince: z.string().nullable(),
      finishedAt: z.string().nullable(),
      error: z.string().nullable(),
      applications: z.array(
        z.object({
          id: z.number().int(),
          applicationId: z.number().int(),
          name: z.string(),
          cluster: z.string(),
          method: promotionMethodSchema,
          state: promotionApplicationStateSchema,
          pullRequestUrl: z.string().nullable(),
          argoOperation: z.string().nullable(),
          health: z.string(),
          sync: z.string(),
          error: z.string().nullable(),
          rollbackId: z.number().int().nullable(),
        }),
      ),
    }),
  ),
  steps: z.array(z.object({ at: z.string(), actor: z.string(), action: z.string(), note: z.string().nullable(), wave: z.number().int().nullable() })),
});
export type PromotionView = z.infer<typeof promotionViewSchema>;
