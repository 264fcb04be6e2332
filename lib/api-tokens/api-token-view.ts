// An API token as GET /api/v1/tokens and the settings page show it, and the bodies the token
// routes accept. Never the token or its hash: the plaintext exists only in the create answer.
import { z } from "zod";
import { plainText } from "../api/plain-text";
import { idField } from "../api/query-fields";
import { roleSchema } from "../auth/roles";

export const API_TOKEN_MAX_DAYS = 366;

/** `/api/v1/tokens/{id}`. */
export const apiTokenIdParams = z.object({ id: idField.meta({ description: "The token's id." }) });

export const createApiTokenBody = z.strictObject({
  name: plainText()
    .trim()
    .min(1, "must not be empty")
    .max(100, "must be at most 100 characters")
    .meta({ description: "What the token is for (`deploy-bot`, `grafana dashboard`), shown in lists and the audit log." }),
  kind: z
    .enum(["personal", "service"], { error: "must be personal or service" })
    .default("personal")
    .meta({ description: "personal (default): acts as you, never beyond your current grants. service: an admin's token for automation, acting under its own name." }),
  role: roleSchema.meta({ description: "The role the token acts with: viewer, engineer, sre or admin; at most what you hold." }),
  teamId: z
    .number({ error: "must be a team id or null" })
    .int()
    .positive()
    .nullable()
    .default(null)
    .meta({ description: "Limit the role to one team's services; null (default) for fleet-wide (needs a fleet-wide grant of the role)." }),
  expiresInDays: z
    .number({ error: "must be a whole number of days" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .max(API_TOKEN_MAX_DAYS, `must be at most ${API_TOKEN_MAX_DAYS}`)
    .default(30)
    .meta({ description: `Days until the token stops working, 1–${API_TOKEN_MAX_DAYS} (default 30).` }),
  reason: z.string().max(2000).optional(),
});

export type CreateApiTokenInput = z.output<typeof createApiTokenBody>;

export const revokeApiTokenBody = z.strictObject({ reason: z.string().max(2000).optional() });

export const apiTokenViewSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(["personal", "service"]),
    name: z.string(),
    hint: z.string().meta({ description: "The token's first characters (`shiplog_pat_AbCd`), to tell tokens apart." }),
    role: roleSchema,
    teamId: z.number().int().nullable().meta({ description: "The one team the role is limited to; null for fleet-wide." }),
    owner: z.string().nullable().meta({ description: "A personal token's owner (email); null for a service token." }),
    createdBy: z.string().nullable().meta({ description: "Who created it (email); null once that account is deleted." }),
    createdAt: z.date(),
    expiresAt: z.date(),
    lastUsedAt: z.date().nullable().meta({ description: "When it was last accepted, to the minute; null if never." }),
    revokedAt: z.date().nullable().meta({ description: "When it was revoked; null while it is not." }),
    status: z.enum(["active", "expired", "revoked"]),
  })
  .meta({ id: "ApiToken", description: "A bearer token for /api/v1; the token itself is never shown again." });

export type ApiTokenView = z.output<typeof apiTokenViewSchema>;

export const createdApiTokenSchema = apiTokenViewSchema
  .extend({ token: z.string().meta({ description: "The bearer token. Shown this once; Shiplog keeps only its SHA-256." }) })
  .meta({ id: "CreatedApiToken" });

export const apiTokenListSchema = z.object({ items: z.array(apiTokenViewSchema) }).meta({ id: "ApiTokenList" });

/** The columns a view is made of (Prisma select). */
export const apiTokenViewSelect = {
  id: true,
  kind: true,
  name: true,
  hint: true,
  role: true,
  teamId: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  user: { select: { email: true } },
  createdBy: { select: { email: true } },
} as const;

type ApiTokenRow = {
  id: number;
  kind: "personal" | "service";
  name: string;
  hint: string;
  role: z.output<typeof roleSchema>;
  teamId: number | null;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  user: { email: string } | null;
  createdBy: { email: string } | null;
};

export function toApiTokenView(row: ApiTokenRow, now = new Date()): ApiTokenView {
  const { user, createdBy, ...rest } = row;
  const status = row.revokedAt ? "revoked" : row.expiresAt <= now ? "expired" : "active";
  return { ...rest, owner: user?.email ?? null, createdBy: createdBy?.email ?? null, status };
}
