// The per-account backoff in the database: parallel attempts on one account count one by one
// (compare and swap), accounts are independent, and success starts afresh.
import { describe, expect, it } from "vitest";
import { claimSignInAttempt, clearSignInBackoff } from "@/lib/auth/claim-sign-in-attempt";
import { FORGET_AFTER_MS, FREE_ATTEMPTS } from "@/lib/auth/decide-sign-in-backoff";
import { getDb } from "@/lib/db/client";

describe("claimSignInAttempt", () => {
  it("lets no more than the free attempts through when forty arrive at once", async () => {
    const now = new Date("2026-12-07T10:00:00Z");
    const decisions = await Promise.all(Array.from({ length: 40 }, () => claimSignInAttempt(getDb(), "Target@Example.com", now)));
    // Never more than the free attempts; a claim that keeps losing the race is refused too.
    expect(decisions.filter((decision) => decision.allowed).length).toBeGreaterThanOrEqual(1);
    expect(decisions.filter((decision) => decision.allowed).length).toBeLessThanOrEqual(FREE_ATTEMPTS);
    const row = await getDb().signInBackoff.findUniqueOrThrow({ where: { email: "target@example.com" } });
    expect(row.attempts).toBe(decisions.filter((decision) => decision.allowed).length);
    // The same account, spelled differently.
    for (let index = row.attempts; index < FREE_ATTEMPTS; index += 1) await claimSignInAttempt(getDb(), "target@example.com", now);
    expect(await claimSignInAttempt(getDb(), " target@example.COM ", now)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    // Another account is not touched.
    expect((await claimSignInAttempt(getDb(), "colleague@example.com", now)).allowed).toBe(true);
  });

  it("starts afresh after a successful sign-in, and drops accounts untried for a day", async () => {
    const now = new Date("2026-12-07T11:00:00Z");
    for (let index = 0; index < FREE_ATTEMPTS; index += 1) await claimSignInAttempt(getDb(), "typo@example.com", now);
    expect((await claimSignInAttempt(getDb(), "typo@example.com", now)).allowed).toBe(false);
    await clearSignInBackoff(getDb(), "TYPO@example.com");
    expect((await claimSignInAttempt(getDb(), "typo@example.com", now)).allowed).toBe(true);

    await claimSignInAttempt(getDb(), "sprayed-1@example.com", now);
    await claimSignInAttempt(getDb(), "someone-else@example.com", new Date(now.getTime() + FORGET_AFTER_MS + 1000));
    const rows = await getDb().signInBackoff.findMany({ select: { email: true } });
    expect(rows.map((row) => row.email)).toEqual(["someone-else@example.com"]);
  });
});
