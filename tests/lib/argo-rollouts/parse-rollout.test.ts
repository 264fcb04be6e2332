// Argo Rollouts' own Rollout objects (tests/fixtures/argo-rollouts) read into progress, and the
// Rollout health an Argo CD Application reports in status.resources.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseApplication } from "@/lib/argocd/parse-application";
import { describeRolloutProgress, mergeRolloutHealth, mergeRolloutObservation } from "@/lib/argo-rollouts/merge-rollout-progress";
import { parseRollout } from "@/lib/argo-rollouts/parse-rollout";
import { rolloutResourcesOf } from "@/lib/argo-rollouts/rollout-resources";
import { argocdFixture } from "../../support/deliveries";
import { argoRolloutFixture } from "../../support/argo-rollouts";

const progressOf = (object: unknown, event: string) => mergeRolloutObservation(null, parseRollout(object, event));

describe("parseRollout", () => {
  it("reads a canary: its steps, weight, revision, and the application that tracks it", async () => {
    const observation = parseRollout(await argoRolloutFixture("canary-rollout"), "on-rollout-updated");
    expect(observation).toMatchObject({
      namespace: "jesse-test",
      name: "canary-demo-workloadRef",
      application: { name: "jesse-test" },
      strategy: "CANARY",
      revision: 31,
      currentStep: 0,
      totalSteps: 8,
      weight: 20,
      aborted: false,
      paused: false,
      // Before v1.2 there is no status.phase: a timed-out update is Degraded.
      phase: "Degraded",
      observedAt: new Date("2019-10-28T04:52:55Z"),
    });
  });

  it("follows the canary through its steps: the weight of the last setWeight, 100 once all are done", async () => {
    const rollout = await argoRolloutFixture("canary-rollout");
    rollout.status.conditions[1] = { ...rollout.status.conditions[1], reason: "ReplicaSetUpdated", status: "True", message: "progressing" };
    const at = (index: number, paused: boolean) => {
      const copy = structuredClone(rollout);
      copy.status.currentStepIndex = index;
      if (paused) copy.status.pauseConditions = [{ reason: "CanaryPauseStep", startTime: "2019-10-28T05:00:00Z" }];
      return copy;
    };
    expect(describeRolloutProgress(progressOf(at(2, false), "on-rollout-step-completed"))).toBe("step 3 of 8, 40 % of traffic");
    expect(describeRolloutProgress(progressOf(at(3, true), "on-rollout-paused"))).toBe("paused, step 4 of 8, 40 % of traffic");
    expect(parseRollout(at(8, false), "on-rollout-step-completed")).toMatchObject({ weight: 100, phase: "Progressing" });
    const done = at(8, false);
    done.status.stableRS = done.status.currentPodHash;
    expect(progressOf(done, "on-rollout-completed")).toMatchObject({ state: "HEALTHY", phase: "Healthy" });
    expect(describeRolloutProgress(progressOf(done, "on-rollout-completed"))).toBe("promoted to stable");
  });

  it("reads an abort by its background analysis: aborted when, analysis failed, no traffic", async () => {
    const observation = parseRollout(await argoRolloutFixture("rollout-aborted"), "on-rollout-aborted");
    expect(observation).toMatchObject({
      aborted: true,
      abortedAt: new Date("2020-09-22T09:10:05Z"),
      weight: 0,
      phase: "Degraded",
      analysisStatus: "Failed",
      analysisMessage: 'metric "web" assessed Failed due to failed (1) > failureLimit (0)',
      images: ["argoproj/rollouts-demo:yellow"],
      // Not managed by Argo CD in the fixture: no tracking annotation or label.
      application: null,
    });
    expect(describeRolloutProgress(mergeRolloutObservation(null, observation))).toBe("aborted, step 1 of 2, 0 % of traffic, analysis failed");
  });

  it("believes the trigger over a status rendered before the change (argo-rollouts#3535)", async () => {
    const stale = await argoRolloutFixture("canary-rollout");
    expect(parseRollout(stale, "on-rollout-aborted")).toMatchObject({ aborted: true, phase: "Degraded" });
    expect(parseRollout(stale, "on-analysis-run-failed").analysisStatus).toBe("Failed");
    expect(parseRollout(stale, "on-rollout-updated")).toMatchObject({ aborted: false, analysisStatus: null });
  });

  it("reads a paused step with an inconclusive analysis; past its progress deadline it is degraded, as Argo Rollouts says", async () => {
    const rollout = await argoRolloutFixture("rollout-experiment-analysis");
    const observation = parseRollout(rollout, "on-rollout-paused");
    expect(observation).toMatchObject({ paused: true, currentStep: 1, totalSteps: 2, weight: 25, analysisStatus: "Inconclusive", phase: "Degraded" });
    expect(describeRolloutProgress(mergeRolloutObservation(null, observation))).toBe("degraded, step 2 of 2, 25 % of traffic, analysis inconclusive");
    rollout.status.conditions[1] = { ...rollout.status.conditions[1], reason: "RolloutPaused", status: "Unknown", message: "Rollout is paused" };
    expect(describeRolloutProgress(progressOf(rollout, "on-rollout-paused"))).toBe("paused, step 2 of 2, 25 % of traffic, analysis inconclusive");
  });

  it("reads blue-green: the active and preview pod-template hashes, paused before promotion", async () => {
    const observation = parseRollout(await argoRolloutFixture("bluegreen-rollout"), "on-rollout-paused");
    expect(observation).toMatchObject({
      strategy: "BLUE_GREEN",
      activeSelector: "6cbccd9f99",
      previewSelector: "74b948fccb",
      paused: true,
      currentStep: null,
      weight: null,
      phase: "Paused",
    });
    expect(describeRolloutProgress(mergeRolloutObservation(null, observation))).toBe("paused, preview 74b948fccb, active 6cbccd9f99");
  });

  it("finds the application by Argo CD's tracking annotation, with its namespace when it has one", async () => {
    const rollout = await argoRolloutFixture("rollout-aborted");
    rollout.metadata.annotations["argocd.argoproj.io/tracking-id"] = "team-a_checkout:argoproj.io/Rollout:default/rollout-background-analysis";
    expect(parseRollout(rollout, "on-rollout-aborted").application).toEqual({ namespace: "team-a", name: "checkout" });
    rollout.metadata.annotations["argocd.argoproj.io/tracking-id"] = "checkout:argoproj.io/Rollout:default/rollout-background-analysis";
    expect(parseRollout(rollout, "on-rollout-aborted").application).toEqual({ name: "checkout" });
  });

  it("names what is missing", async () => {
    const rollout = await argoRolloutFixture("canary-rollout");
    delete rollout.metadata.name;
    try {
      parseRollout(rollout, "on-rollout-updated");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(z.ZodError);
      expect((error as z.ZodError).issues[0]!.path).toEqual(["metadata", "name"]);
    }
  });
});

describe("the Rollouts of an Argo CD Application", () => {
  it("are read from status.resources with their health; an abort by its message", async () => {
    const app = await argocdFixture();
    app.status.resources[1] = {
      group: "argoproj.io",
      kind: "Rollout",
      name: "test-lla",
      namespace: "test-lla",
      status: "Synced",
      version: "v1alpha1",
      health: { status: "Degraded", message: "RolloutAborted: Rollout aborted update to revision 2" },
    };
    const snapshot = parseApplication(app, "prod-eu");
    expect(snapshot.rollouts).toEqual([
      { namespace: "test-lla", name: "test-lla", health: "DEGRADED", message: "RolloutAborted: Rollout aborted update to revision 2", aborted: true },
    ]);
    const progress = mergeRolloutHealth(null, snapshot.rollouts![0]!, snapshot.observedAt);
    expect(progress.state).toBe("ABORTED");
    expect(rolloutResourcesOf([{ kind: "Rollout", name: "x", namespace: "y", health: { status: "Suspended", message: "Rollout is paused" } }])[0]).toMatchObject({
      health: "SUSPENDED",
      aborted: false,
    });
    // The real fixture has no Rollout: nothing is read (and nothing changes for it).
    expect(parseApplication(await argocdFixture(), "prod-eu").rollouts).toBeUndefined();
  });
});
