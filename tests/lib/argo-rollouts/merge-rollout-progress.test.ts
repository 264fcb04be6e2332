// Merging a Rollout's observations converges whatever the order and however many duplicates:
// Argo Rollouts' notifications and Argo CD's, late, repeated and interleaved.
// Runs per property: PROPERTY_RUNS, else 40 on CI and 10 locally.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeRolloutHealth, mergeRolloutObservation, type RolloutProgress } from "@/lib/argo-rollouts/merge-rollout-progress";
import { parseRollout, type RolloutObservation } from "@/lib/argo-rollouts/parse-rollout";
import type { RolloutResourceHealth } from "@/lib/argo-rollouts/rollout-resources";
import { argoRolloutFixture } from "../../support/argo-rollouts";

const runs = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 40 : 10));
const canary = await argoRolloutFixture("canary-rollout");
const t0 = Date.parse("2026-03-10T09:00:00Z");
const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();

type Report = { kind: "rollout"; observation: RolloutObservation } | { kind: "argocd"; resource: RolloutResourceHealth; at: Date };

/** One update of the canary (revision 31 → 32) as Argo Rollouts reports it, step by step, then aborted. */
function rolloutReports(): Report[] {
  const reports: Report[] = [];
  for (const [revision, base] of [
    [31, 0],
    [32, 600],
  ] as const) {
    for (let step = 0; step <= 3; step += 1) {
      const copy = structuredClone(canary);
      copy.metadata.annotations["rollout.argoproj.io/revision"] = String(revision);
      copy.status.currentStepIndex = step;
      // Steps without a pause leave status.conditions alone: equal timestamps, told apart by the step.
      copy.status.conditions[1] = { type: "Progressing", reason: "ReplicaSetUpdated", status: "True", lastUpdateTime: at(base), lastTransitionTime: at(base) };
      if (step % 2 === 1) copy.status.pauseConditions = [{ reason: "CanaryPauseStep", startTime: at(base + step * 10) }];
      reports.push({ kind: "rollout", observation: parseRollout(copy, step % 2 === 1 ? "on-rollout-paused" : "on-rollout-step-completed") });
    }
  }
  // The abort, rendered from the object as it was before it (argo-rollouts#3535).
  reports.push({ kind: "rollout", observation: parseRollout(structuredClone(canary), "on-rollout-aborted") });
  return reports;
}

const argocdReports: Report[] = [
  { kind: "argocd", resource: { namespace: "jesse-test", name: "canary-demo-workloadRef", health: "PROGRESSING", message: null, aborted: false }, at: new Date(at(5)) },
  { kind: "argocd", resource: { namespace: "jesse-test", name: "canary-demo-workloadRef", health: "SUSPENDED", message: "CanaryPauseStep", aborted: false }, at: new Date(at(615)) },
  { kind: "argocd", resource: { namespace: "jesse-test", name: "canary-demo-workloadRef", health: "DEGRADED", message: "RolloutAborted: Rollout aborted update to revision 32", aborted: true }, at: new Date(at(700)) },
  // Two reports of the same instant that disagree: the tie is broken by content, not arrival.
  { kind: "argocd", resource: { namespace: "jesse-test", name: "canary-demo-workloadRef", health: "HEALTHY", message: null, aborted: false }, at: new Date(at(700)) },
];

const apply = (progress: RolloutProgress | null, report: Report) =>
  report.kind === "rollout" ? mergeRolloutObservation(progress, report.observation) : mergeRolloutHealth(progress, report.resource, report.at);
const mergeAll = (reports: Report[]) => reports.reduce<RolloutProgress | null>(apply, null);

describe("mergeRolloutObservation and mergeRolloutHealth", () => {
  const reports = [...rolloutReports(), ...argocdReports];
  const inOrder = mergeAll(reports)!;

  it("end on the newest state of each source, in delivery order", () => {
    expect(inOrder).toMatchObject({ revision: 32, currentStep: 3, paused: true, health: "HEALTHY", healthMessage: null });
    // Argo CD's report is newer than Argo Rollouts' last one: it speaks for the state.
    expect(inOrder.state).toBe("HEALTHY");
  });

  it("converge on the same progress in any order, with duplicates", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(reports, { minLength: reports.length, maxLength: reports.length }), fc.array(fc.nat(reports.length - 1), { maxLength: 6 }), (shuffled, repeats) => {
        const delivered = [...shuffled];
        for (const index of repeats) delivered.splice(index % (delivered.length + 1), 0, reports[index]!);
        expect(mergeAll(delivered)).toEqual(inOrder);
      }),
      { numRuns: runs },
    );
  });

  it("take a stale abort's trigger over the step it was rendered at", () => {
    const steps = rolloutReports();
    const abort = steps.at(-1)!;
    const before = mergeAll(steps.slice(0, 4))!;
    expect(before).toMatchObject({ revision: 31, currentStep: 3, aborted: false });
    // The stale object is revision 31's first state: older than step 3, so it does not win…
    expect(mergeAll([...steps.slice(0, 4), abort])).toEqual(before);
    // …but rendered at the step it aborted, it does, whichever came first.
    const atStep3 = () => ({ ...structuredClone(canary), status: { ...structuredClone(canary.status), currentStepIndex: 3 } });
    const step = parseRollout(atStep3(), "on-rollout-step-completed");
    const staleAbort = parseRollout(atStep3(), "on-rollout-aborted");
    expect(mergeRolloutObservation(mergeRolloutObservation(null, step), staleAbort).state).toBe("ABORTED");
    expect(mergeRolloutObservation(mergeRolloutObservation(null, staleAbort), step).state).toBe("ABORTED");
  });
});
