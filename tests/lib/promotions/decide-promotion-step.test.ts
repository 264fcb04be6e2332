// The next step of a wave from its applications' Argo CD state: properties on random waves
// (fast-check) and the cases the promotion runner depends on.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type StepApplication, type WaveFacts, decidePromotionStep } from "@/lib/promotions/decide-promotion-step";

const runs = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 72 : 20));
const t0 = new Date("2026-11-01T10:00:00.000Z");
const plus = (ms: number) => new Date(t0.getTime() + ms);
const MINUTE = 60_000;

const app = (overrides: Partial<StepApplication> = {}): StepApplication => ({
  id: 1,
  name: "payments-prod-eu-1",
  state: "WAITING",
  changedAt: t0,
  currentReleaseId: 7,
  health: "HEALTHY",
  sync: "SYNCED",
  lastOperation: { phase: "SUCCEEDED", startedAt: plus(10_000), message: null },
  ...overrides,
});
const wave = (applications: StepApplication[], overrides: Partial<WaveFacts> = {}): WaveFacts => ({
  targetReleaseId: 7,
  targetVersion: "2.0.0",
  applications,
  startedAt: t0,
  healthySince: null,
  soakMs: 10 * MINUTE,
  timeoutMs: 30 * MINUTE,
  autoRollback: false,
  now: plus(5 * MINUTE),
  ...overrides,
});

const arbitraryApp = fc.record({
  id: fc.integer({ min: 1, max: 1000 }),
  name: fc.constant("app"),
  state: fc.constantFrom("PENDING", "EXECUTING", "WAITING", "SUCCEEDED") as fc.Arbitrary<StepApplication["state"]>,
  changedAt: fc.constant(t0),
  currentReleaseId: fc.constantFrom(6, 7),
  health: fc.constantFrom("HEALTHY", "PROGRESSING", "DEGRADED", "MISSING") as fc.Arbitrary<StepApplication["health"]>,
  sync: fc.constantFrom("SYNCED", "OUT_OF_SYNC") as fc.Arbitrary<StepApplication["sync"]>,
  lastOperation: fc.option(
    fc.record({ phase: fc.constantFrom("SUCCEEDED", "FAILED", "ERROR", "RUNNING") as fc.Arbitrary<"SUCCEEDED">, startedAt: fc.constant(plus(10_000)), message: fc.constant(null) }),
    { nil: null },
  ),
});

describe("decidePromotionStep", () => {
  it("never moves on unless every application runs the release Synced and Healthy for the soak time; any Degraded one or failed sync stops it", () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryApp, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 40 }),
        fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
        fc.boolean(),
        (apps, nowMinutes, healthyMinutes, autoRollback) => {
          const facts = wave(apps, { now: plus(nowMinutes * MINUTE), healthySince: healthyMinutes === null ? null : plus(Math.min(healthyMinutes, nowMinutes) * MINUTE), autoRollback });
          const step = decidePromotionStep(facts);
          const healthy = (a: StepApplication) => a.currentReleaseId === 7 && a.health === "HEALTHY" && a.sync === "SYNCED" && (a.state === "WAITING" || a.state === "SUCCEEDED");
          const failing = apps.some(
            (a) => (a.state === "WAITING" || a.state === "SUCCEEDED") && ((a.currentReleaseId === 7 && a.health === "DEGRADED") || ["FAILED", "ERROR"].includes(a.lastOperation?.phase ?? "")),
          );
          if (failing) {
            expect(step).toMatchObject({ kind: "stop", rollBack: autoRollback });
          } else if (step.kind === "next-wave") {
            expect(apps.every(healthy)).toBe(true);
            expect(facts.now.getTime() - (facts.healthySince ?? facts.now).getTime()).toBeGreaterThanOrEqual(facts.soakMs);
          } else if (step.kind === "stop") {
            expect(nowMinutes).toBeGreaterThan(30);
            expect(apps.every(healthy)).toBe(false);
          } else {
            expect(step.healthySince === null).toBe(!apps.every(healthy));
          }
        },
      ),
      { numRuns: runs },
    );
  });

  it("starts the soak clock, keeps it, and moves on once it has run", () => {
    expect(decidePromotionStep(wave([app()]))).toEqual({ kind: "wait", healthySince: plus(5 * MINUTE), reached: [1] });
    expect(decidePromotionStep(wave([app({ state: "SUCCEEDED" })], { healthySince: plus(5 * MINUTE), now: plus(14 * MINUTE) }))).toEqual({ kind: "wait", healthySince: plus(5 * MINUTE), reached: [] });
    expect(decidePromotionStep(wave([app({ state: "SUCCEEDED" })], { healthySince: plus(5 * MINUTE), now: plus(15 * MINUTE) }))).toEqual({ kind: "next-wave", reached: [] });
  });

  it("an application back to Progressing resets the soak clock", () => {
    expect(decidePromotionStep(wave([app({ state: "SUCCEEDED", health: "PROGRESSING" })], { healthySince: plus(MINUTE), now: plus(20 * MINUTE) }))).toEqual({
      kind: "wait",
      healthySince: null,
      reached: [],
    });
  });

  it("Degraded or a failed sync stops the wave, in plain words, with the rollback setting", () => {
    expect(decidePromotionStep(wave([app({ health: "DEGRADED" }), app({ id: 2, name: "b", health: "DEGRADED" })], { autoRollback: true }))).toEqual({
      kind: "stop",
      reason: "payments-prod-eu-1 runs 2.0.0 but is Degraded. (and 1 more)",
      failed: [1, 2],
      reached: [],
      rollBack: true,
    });
    expect(decidePromotionStep(wave([app({ currentReleaseId: 6, lastOperation: { phase: "FAILED", startedAt: plus(MINUTE), message: "admission webhook denied the request" } })]))).toMatchObject({
      kind: "stop",
      reason: "Argo CD's sync of payments-prod-eu-1 failed: admission webhook denied the request",
      rollBack: false,
    });
  });

  it("a sync that failed before the change was made is not this promotion's", () => {
    expect(decidePromotionStep(wave([app({ currentReleaseId: 6, health: "HEALTHY", lastOperation: { phase: "FAILED", startedAt: plus(-5 * MINUTE), message: null } })]))).toEqual({
      kind: "wait",
      healthySince: null,
      reached: [],
    });
  });

  it("a wave that overruns its time limit stops, naming who is behind", () => {
    expect(decidePromotionStep(wave([app({ currentReleaseId: 6, health: "PROGRESSING" })], { now: plus(31 * MINUTE) }))).toMatchObject({
      kind: "stop",
      reason: "payments-prod-eu-1 did not run 2.0.0 Synced and Healthy within 30 minutes of the wave's start.",
      failed: [1],
    });
  });
});
