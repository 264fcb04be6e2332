// Sign-in throttling around Better Auth's handler (issue 14, finding 2). Two limits:
// - per account: a local sign-in (POST /sign-in/email) first claims an attempt on its email
//   (claim-sign-in-attempt.ts); a backing-off account is answered 429 with Retry-After before
//   the password is looked at, and before the attempt counts towards the address's limit below,
//   so hammering one account neither reaches the password check nor uses up colleagues' limit;
// - per client address: Better Auth's own rate limiter, counting in the database (get-auth.ts).
//   It reads the address from CLIENT_ADDRESS_HEADER, which only this function writes: the
//   socket's address, or X-Forwarded-For as far as SHIPLOG_TRUSTED_PROXIES vouch for it
//   (lib/http/client-address.ts). Before, Better Auth read X-Forwarded-For as the client sent it.
import { type Db, getDb } from "../db/client";
import { type Config, config } from "../env";
import { AppError } from "../http/app-error";
import { clientAddress } from "../http/client-address";
import { readBodyWithLimit, bodyText } from "../ingest/accept/read-body-with-limit";
import { claimSignInAttempt, clearSignInBackoff } from "./claim-sign-in-attempt";

/** Where Better Auth finds the client's address; set here, a client's own value is dropped. */
export const CLIENT_ADDRESS_HEADER = "x-shiplog-client-address";

/** Sign-in bodies are an email and a password. */
const SIGN_IN_BODY_LIMIT = 64 * 1024;

type AuthHandler = (request: Request) => Promise<Response>;

/** Runs Better Auth's `handler` on `request` with the client's address and both sign-in limits. */
export async function throttleSignIn(
  request: Request,
  handler: AuthHandler,
  { db = getDb(), settings = config() }: { db?: Db; settings?: Pick<Config, "SHIPLOG_TRUSTED_PROXIES"> } = {},
): Promise<Response> {
  const headers = new Headers(request.headers);
  headers.delete(CLIENT_ADDRESS_HEADER);
  const address = clientAddress(request.headers, settings.SHIPLOG_TRUSTED_PROXIES);
  if (address !== null) headers.set(CLIENT_ADDRESS_HEADER, address);

  const isEmailSignIn = request.method === "POST" && new URL(request.url).pathname.endsWith("/sign-in/email");
  // duplex: a body stream passes through as it is (Node's fetch asks to be told).
  if (!isEmailSignIn) return withRetryAfter(await handler(new Request(request, { headers, duplex: "half" } as RequestInit)));

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
  if (email === null) return withRetryAfter(await forward());

  const claim = await claimSignInAttempt(db, email);
  if (!claim.allowed) {
    return tooMany(
      "TOO_MANY_ATTEMPTS",
      `Too many sign-in attempts for this account. Try again in ${claim.retryAfterSeconds} s.`,
      claim.retryAfterSeconds,
    );
  }
  const response = await forward();
  if (response.ok) await clearSignInBackoff(db, email);
  return withRetryAfter(response);
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

/**
 * Better Auth's own 429 says when to retry only in X-Retry-After and has no code; the standard
 * Retry-After and a code the sign-in page can word are added.
 */
async function withRetryAfter(response: Response): Promise<Response> {
  if (response.status !== 429 || response.headers.has("Retry-After")) return response;
  const seconds = Number(response.headers.get("X-Retry-After")) || 10;
  return tooMany("TOO_MANY_REQUESTS", `Too many sign-in requests from your address. Try again in ${seconds} s.`, seconds);
}

function tooMany(code: string, message: string, retryAfterSeconds: number): Response {
  return Response.json(
    { code, message },
    { status: 429, headers: { "Retry-After": String(retryAfterSeconds), "Cache-Control": "no-store" } },
  );
}
