// The secret of an API token: `shiplog_pat_` (personal) or `shiplog_sat_` (service) and 256
// random bits. The prefix lets secret scanners (and people) recognise a leaked one; the database
// keeps only its SHA-256, as for webhook tokens: with that much entropy there is no dictionary to
// try, so an unsalted hash is enough and a lookup stays one index probe.
import { createHash, randomBytes } from "node:crypto";

export type ApiTokenKind = "personal" | "service";

export const API_TOKEN_PREFIX: Record<ApiTokenKind, string> = { personal: "shiplog_pat_", service: "shiplog_sat_" };

/** What a well-formed token looks like; anything else is refused without a database read. */
export const API_TOKEN_PATTERN = /^shiplog_(pat|sat)_[A-Za-z0-9_-]{43}$/;

export function createApiTokenSecret(kind: ApiTokenKind): { token: string; hint: string; tokenHash: string } {
  const token = `${API_TOKEN_PREFIX[kind]}${randomBytes(32).toString("base64url")}`;
  // The prefix and four characters: enough to tell one's tokens apart, nothing worth guessing from.
  return { token, hint: token.slice(0, API_TOKEN_PREFIX[kind].length + 4), tokenHash: hashApiToken(token) };
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
