// The per-account sign-in backoff (issue 14, finding 2): free attempts, then a doubling wait,
// capped, forgotten after a quiet day.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FORGET_AFTER_MS, FREE_ATTEMPTS, MAX_DELAY_SECONDS, type SignInBackoffState, decideSignInBackoff, delayAfter } from "@/lib/auth/decide-sign-in-backoff";

const t0 = new Date("2026-12-07T10:00:00Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

const attempt = decideSignInBackoff;

describe("decideSignInBackoff", () => {
  it("lets the free attempts through back to back, then asks to wait 1 s, 2 s, 4 s …", () => {
    let state: SignInBackoffState | null = null;
    for (let index = 0; index < FREE_ATTEMPTS; index += 1) {
      const decision = attempt(state, t0);
      if (!decision.allowed) throw new Error(`attempt ${index + 1} refused`);
      state = decision.next;
    }
    // The fifth attempt leaves a 1 s wait.
    expect(attempt(state, t0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    const sixth = attempt(state, at(1));
    expect(sixth.allowed).toBe(true);
    if (!sixth.allowed) return;
    expect(attempt(sixth.next, at(2))).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(attempt(sixth.next, at(1.5))).toEqual({ allowed: false, retryAfterSeconds: 2 });
    expect(attempt(sixth.next, at(3)).allowed).toBe(true);
  });

  it("never waits longer than the cap, and forgets an account untried for a day", () => {
    expect(delayAfter(FREE_ATTEMPTS + 40)).toBe(MAX_DELAY_SECONDS);
    const hammered: SignInBackoffState = { attempts: 500, lastAttemptAt: t0, nextAttemptAt: at(MAX_DELAY_SECONDS) };
    expect(attempt(hammered, at(10))).toEqual({ allowed: false, retryAfterSeconds: MAX_DELAY_SECONDS - 10 });
    const later = attempt(hammered, new Date(t0.getTime() + FORGET_AFTER_MS));
    expect(later).toMatchObject({ allowed: true, next: { attempts: 1 } });
  });

  it("allows at most FREE_ATTEMPTS + log2(elapsed) attempts in any stretch, however fast they come", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 200 }), (gapsMs) => {
        let state: SignInBackoffState | null = null;
        let now = t0.getTime();
        let allowed = 0;
        for (const gap of gapsMs) {
          now += gap;
          const decision = decideSignInBackoff(state, new Date(now));
          if (decision.allowed) {
            allowed += 1;
            state = decision.next;
          } else {
            expect(decision.retryAfterSeconds).toBeGreaterThanOrEqual(1);
          }
        }
        const elapsedSeconds = (now - t0.getTime()) / 1000;
        expect(allowed).toBeLessThanOrEqual(FREE_ATTEMPTS + Math.ceil(Math.log2(elapsedSeconds + 1)) + 1);
      }),
    );
  });
});
