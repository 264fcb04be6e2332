// What POST /api/v1/account/password takes and answers (change-own-password.ts), apart from the
// code that runs it so the OpenAPI document and the account page's form can import it alone.
import { z } from "zod";
import { MAX_PASSWORD_LENGTH, newPasswordSchema } from "../users/new-password";

export const changePasswordBody = z
  .object({
    currentPassword: z.string().min(1, { message: "is required" }).max(MAX_PASSWORD_LENGTH),
    newPassword: newPasswordSchema,
    revokeOtherSessions: z.boolean().default(false),
  })
  .strict()
  .refine((body) => body.currentPassword !== body.newPassword, { message: "The new password must differ from the current one.", path: ["newPassword"] })
  .meta({ description: "The current password, the new one (12 to 128 characters) and whether to sign out every other session." });

export const changedPasswordSchema = z
  .object({ otherSessionsEnded: z.boolean() })
  .meta({ id: "ChangedPassword", description: "The password was changed; with otherSessionsEnded, this browser got a fresh session cookie." });

export type ChangedPassword = z.output<typeof changedPasswordSchema>;

