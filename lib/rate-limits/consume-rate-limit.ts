// One request counted against one key of a limit: allowed, or refused with the seconds until
// the key's window ends (what Retry-After says). A store error (the database down) is not a
// refusal: it propagates, and the caller's error path answers it (503 when the database is
// unavailable), rather than letting everything through or refusing everyone silently.
import { RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../http/app-error";
import { RATE_LIMITS, type RateLimitName, type RateLimiter } from "./rate-limiters";
import { metrics } from "../observability/metrics-registry";

export type RateLimitRefusal = { name: RateLimitName; limit: number; windowSeconds: number; retryAfterSeconds: number };

/** Counts one request on `key`; null when allowed, else the refusal. */
export async function consumeRateLimit(limiter: RateLimiter, key: string): Promise<RateLimitRefusal | null> {
  try {
    await limiter.store.consume(key);
    return null;
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    metrics().requestsRateLimited.inc({ limit: limiter.name });
    return {
      name: limiter.name,
      limit: limiter.points,
      windowSeconds: limiter.windowSeconds,
      retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
    };
  }
}

/** The 429 for `refusal`: Retry-After, and a message naming what was counted and the setting. */
export function rateLimitError(refusal: RateLimitRefusal): AppError {
  const { counts, setting } = RATE_LIMITS[refusal.name];
  return new AppError(
    "too_many_requests",
    `Too many ${counts}: at most ${refusal.limit} per ${refusal.windowSeconds} s (${setting}). Retry in ${refusal.retryAfterSeconds} s.`,
    {
      details: { limit: refusal.name, limitPerWindow: refusal.limit, windowSeconds: refusal.windowSeconds, retryAfterSeconds: refusal.retryAfterSeconds },
      headers: { "Retry-After": String(refusal.retryAfterSeconds) },
    },
  );
}
