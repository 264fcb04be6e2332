// What a new local password must be, wherever one is set (npm run admin -- reset-password, the
// account page): Better Auth's limits, the minimum being the one lib/auth/get-auth.ts configures.
import { z } from "zod";

/** Better Auth's limits for local passwords (lib/auth/get-auth.ts sets the minimum; 128 is its maximum). */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

export const newPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { message: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(MAX_PASSWORD_LENGTH, { message: `must be at most ${MAX_PASSWORD_LENGTH} characters` });
