// Sign-in throttling around Better Auth's handler (issue 14, finding 2). Two kinds of limit:
// - per account: a local sign-in (POST /sign-in/email) first claims an attempt on its email
//   (claim-sign-in-attempt.ts); a backing-off account is answered 429 with Retry-After before
//   the password is looked at, and before the attempt counts towards the address's limit below,
//   so hammering one account neither reaches the password check nor uses up colleagues' limit;
// - per client address: Shiplog's rate limits (lib/rate-limits, counted in PostgreSQL like the
//   API's): local sign-in attempts (SHIPLOG_SIGN_IN_RATE_LIMIT_PER_ADDRESS), and every other
//   /api/auth request (SHIPLOG_AUTH_RATE_LIMIT_PER_ADDRESS). Better Auth's own limiter is off,
//   so there is one mechanism and one set of settings.
// The address is the socket's, or X-Forwarded-For as far as SHIPLOG_TRUSTED_PROXIES vouch for it
// (lib/http/client-address.ts); Better Auth reads it (for the sessions' ip_address) from
// CLIENT_ADDRESS_HEADER, which only this function writes.
import { type Db, getDb } from "../db/client";
import { type Config, config } from "../env";
import { AppError } from "../http/app-error";
import { clientAddress } from "../http/client-address";
import { readBodyWithLimit, bodyText } from "../ingest/accept/read-body-with-limit";
import { addressRateLimitKey } from "../rate-limits/address-rate-limit-key";
import { type RateLimitRefusal, consumeRateLimit } from "../rate-limits/consume-rate-limit";
import { RATE_LIMITS, type RateLimiter, rateLimiter } from "../rate-limits/rate-limiters";
import { claimSignInAttempt, clearSignInBackoff } from "./claim-sign-in-attempt";

/** Where Better Auth finds the client's address; set here, a client's own value is dropped. */
export const CLIENT_ADDRESS_HEADER = "x-shiplog-client-address";

/** Sign-in bodies are an email and a password. */
const SIGN_IN_BODY_LIMIT = 64 * 1024;

type AuthHandler = (request: Request) => Promise<Response>;

type Options = {
  db?: Db;
  settings?: Pick<Config, "SHIPLOG_TRUSTED_PROXIES">;
  /** The per-address limiters (null: off); this process's by default. */
  limiters?: { signIn: RateLimiter | null; auth: RateLimiter | null };
};

/** Runs Better Auth's `handler` on `request` with the client's address and the sign-in limits. */
export async function throttleSignIn(request: Request, handler: AuthHandler, { db = getDb(), settings = config(), limiters }: Options = {}): Promise<Response> {
  const { signIn: signInLimiter, auth: authLimiter } = limiters ?? { signIn: rateLimiter("sign-in-address"), auth: rateLimiter("auth-address") };
  const headers = new Headers(request.headers);
  headers.delete(CLIENT_ADDRESS_HEADER);
  const address = clientAddress(request.headers, settings.SHIPLOG_TRUSTED_PROXIES);
  if (address !== null) headers.set(CLIENT_ADDRESS_HEADER, address);

  const isEmailSignIn = request.method === "POST" && new URL(request.url).pathname.endsWith("/sign-in/email");
  const addressKey = address === null ? null : addressRateLimitKey(address);
  const limitAddress = async (limiter: RateLimiter | null): Promise<RateLimitRefusal | null> =>
    limiter && addressKey !== null ? consumeRateLimit(limiter, addressKey) : null;
  if (!isEmailSignIn) {
    const refusal = await limitAddress(authLimiter);
    if (refusal) return addressRefusal(refusal);
    // duplex: a body stream passes through as it is (Node's fetch asks to be told).
    return handler(new Request(request, { headers, duplex: "half" } as RequestInit));
  }

  let body: string;
  try {
    body = bodyText(await readBodyWithLimit(request, SIGN_IN_BODY_LIMIT));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // Better Auth's error shape, which the sign-in page reads.
    return Response.json({ code: error.code.toUpperCase(), message: error.message }, { status: error.status, headers: error.headers });
  }
  const email = emailOf(body);
  const forward = () => handler(new Request(request.url, { method: "POST", headers, body, signal: request.signal }));
  // Without an email there is no account to count against; Better Auth answers it 400.
  if (email === null) {
    const refusal = await limitAddress(signInLimiter);
    return refusal ? addressRefusal(refusal) : forward();
  }

  const claim = await claimSignInAttempt(db, email);
  if (!claim.allowed) {
    return tooMany(
      "TOO_MANY_ATTEMPTS",
      `Too many sign-in attempts for this account. Try again in ${claim.retryAfterSeconds} s.`,
      claim.retryAfterSeconds,
    );
  }
  // Only attempts the account's backoff let through count against the address.
  const refusal = await limitAddress(signInLimiter);
  if (refusal) return addressRefusal(refusal);
  const response = await forward();
  if (response.ok) await clearSignInBackoff(db, email);
  return response;
}

/** The email of a sign-in body, or null when the body is not JSON with a string email. */
function emailOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { email?: unknown } | null;
    return typeof parsed?.email === "string" && parsed.email.trim() !== "" ? parsed.email : null;
  } catch {
    return null; // Better Auth parses the body again and answers its own 400
  }
}

/** An address over its limit, in Better Auth's error shape (which the sign-in page reads), naming the setting. */
function addressRefusal(refusal: RateLimitRefusal): Response {
  const { counts, setting } = RATE_LIMITS[refusal.name];
  return tooMany(
    "TOO_MANY_REQUESTS",
    `Too many ${counts}: at most ${refusal.limit} per ${refusal.windowSeconds} s (${setting}). Try again in ${refusal.retryAfterSeconds} s.`,
    refusal.retryAfterSeconds,
  );
}

function tooMany(code: string, message: string, retryAfterSeconds: number): Response {
  return Response.json(
    { code, message },
    { status: 429, headers: { "Retry-After": String(retryAfterSeconds), "Cache-Control": "no-store" } },
  );
}
