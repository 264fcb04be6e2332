// A signed-in person changes their own password (the /settings/account page, POST
// /api/v1/account/password) through Better Auth's changePassword, which checks the current
// password, hashes the new one and, when asked, ends every other session and issues a fresh one.
// Around it Shiplog adds what sign-in has (lib/auth/throttle-sign-in.ts): a wrong current password
// counts as a failed sign-in attempt on the account (the same backoff) and on the client's address
// (SHIPLOG_SIGN_IN_RATE_LIMIT_PER_ADDRESS), so the form cannot be used to guess a password faster
// than the sign-in page; and a `password.changed` audit event. Better Auth's own
// /api/auth/change-password is disabled (get-auth.ts), so this is the only way in.
import type { z } from "zod";
import { recordAuditEvent } from "../audit/record-audit-event";
import { requestIdOf } from "../audit/request-id";
import { type Db, getDb } from "../db/client";
import { type Config, config } from "../env";
import { AppError } from "../http/app-error";
import { clientAddress } from "../http/client-address";
import { addressRateLimitKey } from "../rate-limits/address-rate-limit-key";
import { consumeRateLimit, rateLimitError } from "../rate-limits/consume-rate-limit";
import { type RateLimiter, rateLimiter } from "../rate-limits/rate-limiters";
import type { ChangedPassword, changePasswordBody } from "./change-password-body";
import { claimSignInAttempt, clearSignInBackoff } from "./claim-sign-in-attempt";
import { type ShiplogAuth, getAuth } from "./get-auth";
import type { Viewer } from "./roles";
import { CLIENT_ADDRESS_HEADER } from "./throttle-sign-in";

type Options = {
  db?: Db;
  auth?: ShiplogAuth;
  settings?: Pick<Config, "SHIPLOG_TRUSTED_PROXIES">;
  /** The per-address sign-in limiter (null: off); this process's by default. */
  limiter?: RateLimiter | null;
};

/** Changes `viewer`'s password; the answer's Set-Cookie lines carry the fresh session when others were ended. */
export async function changeOwnPassword(
  viewer: Viewer,
  request: Request,
  body: z.output<typeof changePasswordBody>,
  { db = getDb(), auth = getAuth(), settings = config(), limiter = rateLimiter("sign-in-address") }: Options = {},
): Promise<{ result: ChangedPassword; setCookies: string[] }> {
  if (viewer.token) throw new AppError("forbidden", "An API token cannot change a password: sign in to Shiplog and use /settings/account.");
  const claim = await claimSignInAttempt(db, viewer.email);
  if (!claim.allowed) {
    throw new AppError("too_many_requests", `Too many wrong passwords for this account. Try again in ${claim.retryAfterSeconds} s.`, {
      headers: { "Retry-After": String(claim.retryAfterSeconds) },
    });
  }
  const headers = new Headers(request.headers);
  headers.delete(CLIENT_ADDRESS_HEADER);
  const address = clientAddress(request.headers, settings.SHIPLOG_TRUSTED_PROXIES);
  if (address !== null) headers.set(CLIENT_ADDRESS_HEADER, address);
  if (limiter && address !== null) {
    const refusal = await consumeRateLimit(limiter, addressRateLimitKey(address));
    if (refusal) throw rateLimitError(refusal);
  }

  const response = await auth.api.changePassword({ body, headers, asResponse: true });
  if (!response.ok) {
    const said = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    if (said.code === "INVALID_PASSWORD") throw new AppError("bad_request", "The current password is not right.", { details: { field: "currentPassword" } });
    if (said.code === "CREDENTIAL_ACCOUNT_NOT_FOUND") {
      throw new AppError("conflict", "Your account signs in through single sign-on and has no Shiplog password; change it at your identity provider.");
    }
    if (response.status === 401) throw new AppError("unauthorized", "Your session has ended: sign in again.");
    throw new AppError("bad_request", said.message ?? `Changing the password failed (${response.status}).`);
  }
  await clearSignInBackoff(db, viewer.email);
  // Better Auth committed the change in its own transaction; the audit row follows it.
  await recordAuditEvent(db, {
    actor: viewer.email,
    action: "password.changed",
    targetType: "user",
    targetId: viewer.id,
    requestId: requestIdOf(request),
    outcome: "success",
    detail: { otherSessionsEnded: body.revokeOtherSessions },
  });
  return { result: { otherSessionsEnded: body.revokeOtherSessions }, setCookies: response.headers.getSetCookie() };
}
