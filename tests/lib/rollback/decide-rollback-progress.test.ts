import { describe, expect, it } from "vitest";
import { type ProgressFacts, decideRollbackProgress } from "@/lib/rollback/decide-rollback-progress";

const since = new Date("2026-11-01T10:00:00Z");
const later = (seconds: number) => new Date(since.getTime() + seconds * 1000);
const facts = (overrides: Partial<ProgressFacts> = {}): ProgressFacts => ({
  state: "WAITING_FOR_SYNC",
  toReleaseId: 1,
  toVersion: "1.0.0",
  applicationName: "payments-prod",
  executingSince: since,
  stateChangedAt: later(2),
  now: later(60),
  timeoutMs: 30 * 60_000,
  application: { currentReleaseId: 1, healthStatus: "HEALTHY" },
  lastDeployment: { id: 9, releaseId: 1, phase: "SUCCEEDED", startedAt: later(1), message: null },
  ...overrides,
});

describe("decideRollbackProgress", () => {
  it("succeeded: the target release runs healthy after a sync that started with the rollback", () => {
    expect(decideRollbackProgress(facts())).toEqual({ kind: "succeeded", deploymentId: 9 });
  });

  it("waits while the sync runs or the application is still progressing", () => {
    expect(decideRollbackProgress(facts({ lastDeployment: { id: 9, releaseId: null, phase: "RUNNING", startedAt: later(1), message: null }, application: { currentReleaseId: 2, healthStatus: "PROGRESSING" } }))).toEqual({ kind: "wait" });
    expect(decideRollbackProgress(facts({ application: { currentReleaseId: 1, healthStatus: "PROGRESSING" } }))).toEqual({ kind: "wait" });
  });

  it("a healthy target from a sync before the rollback (older than the clock skew) is not this rollback's", () => {
    expect(decideRollbackProgress(facts({ lastDeployment: { id: 8, releaseId: 1, phase: "SUCCEEDED", startedAt: later(-120), message: null } }))).toEqual({ kind: "wait" });
    expect(decideRollbackProgress(facts({ lastDeployment: { id: 8, releaseId: 1, phase: "SUCCEEDED", startedAt: later(-30), message: null } }))).toEqual({ kind: "succeeded", deploymentId: 8 });
  });

  it("failed: the sync failed, or the target came up degraded", () => {
    expect(decideRollbackProgress(facts({ lastDeployment: { id: 9, releaseId: null, phase: "FAILED", startedAt: later(1), message: "hook failed" } }))).toEqual({
      kind: "failed",
      reason: "Argo CD's sync of payments-prod failed: hook failed",
    });
    expect(decideRollbackProgress(facts({ application: { currentReleaseId: 1, healthStatus: "DEGRADED" } }))).toEqual({ kind: "failed", reason: "payments-prod runs 1.0.0 again but is degraded." });
  });

  it("time limits: waiting or executing too long fails; finished states are left alone", () => {
    const stuck = { now: later(31 * 60), application: { currentReleaseId: 2, healthStatus: "DEGRADED" as const }, lastDeployment: null };
    expect(decideRollbackProgress(facts(stuck))).toEqual({ kind: "failed", reason: "payments-prod did not run 1.0.0 healthy within 30 minutes of the rollback." });
    expect(decideRollbackProgress(facts({ ...stuck, state: "EXECUTING" }))).toMatchObject({ kind: "failed", reason: expect.stringMatching(/did not finish starting within 30 minutes/) });
    expect(decideRollbackProgress(facts({ ...stuck, state: "EXECUTING", now: later(60) }))).toEqual({ kind: "wait" });
    expect(decideRollbackProgress(facts({ ...stuck, state: "SUCCEEDED" }))).toEqual({ kind: "wait" });
  });
});
