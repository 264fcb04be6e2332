// The database side of the per-account sign-in backoff (decide-sign-in-backoff.ts): one row per
// email in sign_in_backoffs, so every replica sees the same count. Each claim reads the row,
// decides, and writes only if the row is still what it read (compare and swap), retrying
// otherwise: a burst of parallel attempts counts one by one without holding a transaction (and
// a pooled connection) per waiting request. Rows of accounts untried for a day are dropped as
// attempts come in, so an attacker spraying made-up addresses cannot grow the table for ever.
import type { Db } from "../db/client";
import { FORGET_AFTER_MS, type SignInBackoffDecision, decideSignInBackoff } from "./decide-sign-in-backoff";

/** Compare-and-swap rounds before a claim gives up and asks the caller to retry shortly. */
const MAX_ROUNDS = 20;

/** The key of an account: its email as typed, trimmed and lower-cased (accounts are found case-insensitively). */
export function backoffKey(email: string): string {
  return email.trim().toLowerCase();
}

/** Counts an attempt on `email`, or says how long to wait when the account is backing off. */
export async function claimSignInAttempt(db: Db, email: string, now: Date = new Date()): Promise<SignInBackoffDecision> {
  const key = backoffKey(email);
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const [row] = await db.$queryRaw<{ attempts: number; last_attempt_at: Date; next_attempt_at: Date }[]>`
      SELECT attempts, last_attempt_at, next_attempt_at FROM sign_in_backoffs WHERE email = ${key}`;
    const decision = decideSignInBackoff(row ? { attempts: row.attempts, lastAttemptAt: row.last_attempt_at, nextAttemptAt: row.next_attempt_at } : null, now);
    if (!decision.allowed) return decision;
    const { attempts, lastAttemptAt, nextAttemptAt } = decision.next;
    const written = row
      ? await db.$executeRaw`
          UPDATE sign_in_backoffs SET attempts = ${attempts}, last_attempt_at = ${lastAttemptAt}, next_attempt_at = ${nextAttemptAt}
          WHERE email = ${key} AND attempts = ${row.attempts} AND last_attempt_at = ${row.last_attempt_at}`
      : await db.$executeRaw`
          INSERT INTO sign_in_backoffs (email, attempts, last_attempt_at, next_attempt_at) VALUES (${key}, ${attempts}, ${lastAttemptAt}, ${nextAttemptAt})
          ON CONFLICT (email) DO NOTHING`;
    if (written === 1) {
      await db.$executeRaw`DELETE FROM sign_in_backoffs WHERE last_attempt_at < ${new Date(now.getTime() - FORGET_AFTER_MS)}`;
      return decision;
    }
  }
  // Others kept winning the race for this account: it is being hammered.
  return { allowed: false, retryAfterSeconds: 1 };
}

/** A successful sign-in: the account starts afresh. */
export async function clearSignInBackoff(db: Db, email: string): Promise<void> {
  await db.$executeRaw`DELETE FROM sign_in_backoffs WHERE email = ${backoffKey(email)}`;
}
