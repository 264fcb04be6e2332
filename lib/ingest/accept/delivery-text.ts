// Strings that end up in webhook_deliveries columns: bounded, and free of NUL characters,
// which PostgreSQL text cannot hold (JSON may carry them as \u0000).
import { z } from "zod";

export function deliveryText(maxLength: number) {
  return z
    .string()
    .min(1)
    .max(maxLength)
    .refine((value) => !value.includes("\u0000"), "must not contain NUL characters");
}

/** A header value used as an identifier: visible ASCII, bounded. */
export const headerToken = z.string().regex(/^[\x21-\x7e]{1,200}$/, "must be 1–200 visible ASCII characters");
