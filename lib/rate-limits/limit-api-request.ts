// The rate limits of /api/v1 (docs/security.md "Rate limits"): every request counts against its
// client address (SHIPLOG_API_RATE_LIMIT_PER_ADDRESS), and one carrying a well-formed API token
// also against that token (SHIPLOG_API_RATE_LIMIT_PER_TOKEN), keyed by the token's SHA-256 (the
// hash api_tokens keeps; the token itself is never stored). Counted before the token is looked
// up, so a flood is refused before it costs an authentication. The address is the one
// lib/http/client-address.ts resolves (trusted proxies only); without one (a request made
// in-process) only the token counts. Called by withErrorHandling for /api/v1 paths (is-api-path.ts), so no
// route can forget it; webhooks (/api/webhooks/*) never come here.
import { API_TOKEN_PATTERN, hashApiToken } from "../api-tokens/api-token-secret";
import { type Config, config } from "../env";
import { clientAddress } from "../http/client-address";
import { addressRateLimitKey } from "./address-rate-limit-key";
import { type RateLimitRefusal, consumeRateLimit, rateLimitError } from "./consume-rate-limit";
import { type RateLimiter, rateLimiter } from "./rate-limiters";

type Options = {
  settings?: Pick<Config, "SHIPLOG_TRUSTED_PROXIES">;
  limiters?: { token: RateLimiter | null; address: RateLimiter | null };
};

/** Counts `request` against its address and token; throws AppError 429 with Retry-After when either is spent. */
export async function limitApiRequest(request: Request, { settings = config(), limiters }: Options = {}): Promise<void> {
  const { token: tokenLimiter, address: addressLimiter } = limiters ?? { token: rateLimiter("api-token"), address: rateLimiter("api-address") };
  const address = clientAddress(request.headers, settings.SHIPLOG_TRUSTED_PROXIES);
  const token = /^Bearer +(\S+) *$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  const checks: Promise<RateLimitRefusal | null>[] = [];
  if (addressLimiter && address !== null) checks.push(consumeRateLimit(addressLimiter, addressRateLimitKey(address)));
  // A malformed token is refused without a database read anyway (401); only the address counts it.
  if (tokenLimiter && token !== undefined && API_TOKEN_PATTERN.test(token)) checks.push(consumeRateLimit(tokenLimiter, hashApiToken(token)));
  const refusals = (await Promise.all(checks)).filter((refusal) => refusal !== null);
  if (refusals.length === 0) return;
  // The client may retry once every limit it spent has a new window.
  const latest = refusals.reduce((longest, refusal) => (refusal.retryAfterSeconds > longest.retryAfterSeconds ? refusal : longest));
  throw rateLimitError(latest);
}
