// The per-account backoff of local sign-in (issue 14, finding 2): a few free attempts per email,
// then each further one waits twice as long as the one before, up to a cap, until a sign-in
// succeeds. Keyed on the account, not the address, so rotating X-Forwarded-For (or a botnet)
// buys nothing, and hammering one account slows only that account, never a colleague's.
// Pure: claim-sign-in-attempt.ts reads and writes the row around it.

/** Attempts allowed back to back before the delays start. */
export const FREE_ATTEMPTS = 5;
/** The longest wait between two attempts on one account. */
export const MAX_DELAY_SECONDS = 15 * 60;
/** An account untried this long starts afresh. */
export const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

export type SignInBackoffState = { attempts: number; lastAttemptAt: Date; nextAttemptAt: Date };

export type SignInBackoffDecision =
  | { allowed: true; next: SignInBackoffState }
  | { allowed: false; retryAfterSeconds: number };

/** Seconds to wait after the `attempts`-th attempt before the next: 0 while free, then 1, 2, 4 … capped. */
export function delayAfter(attempts: number): number {
  if (attempts < FREE_ATTEMPTS) return 0;
  return Math.min(2 ** (attempts - FREE_ATTEMPTS), MAX_DELAY_SECONDS);
}

/**
 * Whether an attempt on an account in `state` (null: none recorded) may go ahead at `now`, and
 * the state after it. The attempt counts when it starts, so parallel attempts cannot all slip
 * through before the first failure is recorded; a successful sign-in deletes the state.
 */
export function decideSignInBackoff(state: SignInBackoffState | null, now: Date): SignInBackoffDecision {
  const fresh = state === null || now.getTime() - state.lastAttemptAt.getTime() >= FORGET_AFTER_MS;
  const attemptsBefore = fresh ? 0 : state.attempts;
  if (!fresh && now < state.nextAttemptAt) {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((state.nextAttemptAt.getTime() - now.getTime()) / 1000)) };
  }
  const attempts = attemptsBefore + 1;
  return { allowed: true, next: { attempts, lastAttemptAt: now, nextAttemptAt: new Date(now.getTime() + delayAfter(attempts) * 1000) } };
}
