// What becomes of a delivery whose processing failed: retried later with exponential backoff
// (FAILED, next_attempt_at), or set aside (QUARANTINED) once it has failed maxAttempts times,
// or at once when its payload cannot be used: retrying an invalid payload cannot succeed. A set
// aside delivery no longer holds back later deliveries with its ordering key; replay it after
// fixing the cause (lib/ingest/replay/replay-deliveries.ts).
export type RetryPolicy = {
  /** Attempts before a delivery is quarantined (the first try counts). */
  maxAttempts: number;
  /** Delay after the first failure; doubles after each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Up to this fraction is added at random, so deliveries that failed together spread out. */
  jitter: number;
};

// 2 s, 4 s, … 128 s: a delivery is quarantined about four minutes after it first failed.
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 5 * 60_000, jitter: 0.2 };

export type AfterFailure = { status: "FAILED"; retryInMs: number } | { status: "QUARANTINED" };

/** The delivery's fate after its `attempts`-th attempt (counting this one) failed. */
export function afterFailure(
  attempts: number,
  policy: RetryPolicy,
  options: { permanent: boolean },
  random: () => number = Math.random,
): AfterFailure {
  if (options.permanent || attempts >= policy.maxAttempts) return { status: "QUARANTINED" };
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return { status: "FAILED", retryInMs: Math.round(exponential * (1 + policy.jitter * random())) };
}
