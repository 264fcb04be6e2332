// A database webhook token as the tokens page and GET /api/v1/webhook-tokens show it: its name,
// source and dates. Never the token or its hash; the plaintext exists only in the create answer.
import { z } from "zod";
import { idField } from "../api/query-fields";

/** `/api/v1/webhook-tokens/{id}`. */
export const webhookTokenIdParams = z.object({ id: idField.meta({ description: "The token's id." }) });

export const webhookTokenSourceField = z
  .enum(["argocd", "build", "deployer", "gitlab", "flux"], { error: "must be argocd, build, deployer, gitlab or flux (GitHub signs its webhooks with a secret instead)" })
  .transform((name) => name.toUpperCase() as "ARGOCD" | "BUILD" | "DEPLOYER" | "GITLAB" | "FLUX");

export const webhookTokenViewSchema = z
  .object({
    id: z.number().int(),
    source: z.enum(["ARGOCD", "BUILD", "DEPLOYER", "GITLAB", "FLUX"]),
    name: z.string(),
    createdAt: z.date(),
    revokedAt: z.date().nullable().meta({ description: "When it stopped being accepted; null while it is live." }),
  })
  .meta({ id: "WebhookToken", description: "A token Argo CD, CI or a deployer presents as a bearer token, or GitLab as X-Gitlab-Token; the token itself is never shown again." });

export type WebhookTokenView = z.output<typeof webhookTokenViewSchema>;

export const createdWebhookTokenSchema = z
  .object({
    id: z.number().int(),
    source: z.enum(["ARGOCD", "BUILD", "DEPLOYER", "GITLAB", "FLUX"]),
    name: z.string(),
    token: z.string().meta({ description: "The bearer token. Shown this once; Shiplog keeps only its SHA-256." }),
  })
  .meta({ id: "CreatedWebhookToken" });

export const createWebhookTokenBody = z.strictObject({
  source: webhookTokenSourceField,
  name: z.string().meta({ description: "Letters, digits and . _ - @ : (unique per source, also after revocation)." }),
  reason: z.string().max(2000).optional(),
});

export const revokeWebhookTokenBody = z.strictObject({ reason: z.string().max(2000).optional() });

export const webhookTokenListSchema = z.object({ items: z.array(webhookTokenViewSchema) }).meta({ id: "WebhookTokenList" });
