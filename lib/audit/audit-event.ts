// The shape of one audit event, on the way in (recordAuditEvent) and on the way out (the /audit
// page and GET /api/v1/audit). Actions are dotted nouns and verbs (`role.granted`,
// `delivery.replayed`, `rollback.requested`) so a filter can name one exactly.
import { z } from "zod";

export const AUDIT_OUTCOMES = ["success", "failure", "refused", "cancelled"] as const;
export const auditOutcomeSchema = z.enum(AUDIT_OUTCOMES, { error: `must be one of ${AUDIT_OUTCOMES.join(", ")}` });
export type AuditOutcome = z.output<typeof auditOutcomeSchema>;

export const auditEventInputSchema = z.object({
  /** Who acted: a person's email, or `system:<what>` for Shiplog itself. */
  actor: z.string().min(1).max(320),
  action: z.string().regex(/^[a-z][a-z-]*(\.[a-z][a-z-]*)+$/, "must look like noun.verb (role.granted)"),
  targetType: z.string().min(1).max(100),
  targetId: z.string().max(500).nullable().optional(),
  reason: z.string().max(2000).nullable().optional(),
  requestId: z.string().max(128).nullable().optional(),
  outcome: auditOutcomeSchema,
  detail: z.record(z.string(), z.unknown()).optional(),
  /** Defaults to the database's now(); tests and back-dated imports set it. */
  at: z.date().optional(),
});

export type AuditEventInput = z.input<typeof auditEventInputSchema>;

export const auditEventSchema = z
  .object({
    id: z.number().int(),
    at: z.date(),
    actor: z.string().meta({ description: "Who acted: a person's email, or `system:…` for Shiplog itself." }),
    action: z.string().meta({ description: "What was done, e.g. `role.granted`, `token.revoked`, `delivery.replayed`, `rollback.requested`." }),
    targetType: z.string().meta({ description: "What it was done to: `user`, `webhook-token`, `delivery`, `dora-definitions`, `rollback`, …" }),
    targetId: z.string().nullable(),
    reason: z.string().nullable(),
    requestId: z.string().nullable().meta({ description: "The X-Request-Id of the HTTP request that did it." }),
    outcome: z.string().meta({ description: "success, failure, refused or cancelled." }),
    detail: z.record(z.string(), z.unknown()).meta({ description: "What else the action recorded (the grant, the delivery, the definitions)." }),
  })
  .meta({ id: "AuditEvent", description: "One privileged action, recorded in the same transaction as the action." });

export type AuditEvent = z.output<typeof auditEventSchema>;
