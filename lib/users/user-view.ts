// People and their grants as /settings/users and the users API show them. Never a password,
// a session token or an identity provider's tokens: name, email, grants, session count.
import { z } from "zod";
import { plainText } from "../api/plain-text";
import { idField } from "../api/query-fields";
import { ROLES } from "../auth/roles";

/** `/api/v1/users/{id}`: Better Auth's user id, text (a control character in it is a 400, not a database error). */
export const userIdParams = z.object({ id: plainText().max(200, "must be at most 200 characters").meta({ description: "The user's id (from GET /api/v1/users)." }) });

/** `/api/v1/users/{id}/grants/{grantId}`. */
export const userGrantParams = userIdParams.extend({ grantId: idField.meta({ description: "The grant's id." }) });

export const grantViewSchema = z
  .object({
    id: z.number().int(),
    role: z.enum(ROLES),
    teamId: z.number().int().nullable().meta({ description: "The team the role is limited to; null for fleet-wide." }),
    teamName: z.string().nullable(),
    source: z.enum(["manual", "idp"]).meta({ description: "manual: given in Shiplog (revocable here); idp: mapped from an identity provider group at sign-in." }),
    group: z.string().nullable().meta({ description: "The identity provider group that earned an idp grant." }),
    createdAt: z.date(),
  })
  .meta({ id: "RoleGrant" });

export type GrantView = z.output<typeof grantViewSchema>;

export const userViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    createdAt: z.date(),
    activeSessions: z.number().int().meta({ description: "Sessions that have not expired." }),
    grants: z.array(grantViewSchema),
  })
  .meta({ id: "User" });

export type UserView = z.output<typeof userViewSchema>;

export const userPageSchema = z
  .object({
    items: z.array(userViewSchema),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ id: "UserPage" });

export type UserPage = z.output<typeof userPageSchema>;

export const grantRoleBody = z.strictObject({
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
  teamId: z.number().int().positive().nullable().default(null).meta({ description: "Limit the role to this team's services; null or absent for fleet-wide." }),
  reason: z.string().max(2000).optional(),
});

export const reasonBody = z.strictObject({ reason: z.string().max(2000).optional() });
