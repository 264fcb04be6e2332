// Webhook tokens are 256-bit random strings, so one unsalted SHA-256 is enough to store them:
// there is no dictionary to try, and a lookup by hash stays one index probe.
import { createHash, timingSafeEqual } from "node:crypto";

export function hashWebhookToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time equality of two hex SHA-256 digests. */
export function sameTokenHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === 32 && right.length === 32 && timingSafeEqual(left, right);
}
