import { describe, expect, it } from "vitest";
import { classifyRolloutApplication } from "../../../lib/rollouts/classify-rollout-application";
import { tallyRolloutCounts } from "../../../lib/rollouts/rollout-counts";

describe("classifyRolloutApplication", () => {
  it("sorts applications running the release by their health", () => {
    const on = (health: Parameters<typeof classifyRolloutApplication>[0]["health"]) => classifyRolloutApplication({ onRelease: true, health, lastStatus: "SUCCEEDED" });
    expect([on("HEALTHY"), on("DEGRADED"), on("MISSING"), on("PROGRESSING"), on("SUSPENDED"), on("UNKNOWN")]).toEqual(["healthy", "degraded", "degraded", "progressing", "progressing", "progressing"]);
  });

  it("sorts the others by their newest deployment of the release, whatever their health", () => {
    const off = (lastStatus: Parameters<typeof classifyRolloutApplication>[0]["lastStatus"]) => classifyRolloutApplication({ onRelease: false, health: "DEGRADED", lastStatus });
    expect([off(null), off("RUNNING"), off("FAILED"), off("SUCCEEDED"), off("DEGRADED"), off("ROLLED_BACK")]).toEqual(["notYetReached", "progressing", "failed", "movedOn", "movedOn", "movedOn"]);
  });

  it("tallies groups, counting each cluster once", () => {
    const counts = tallyRolloutCounts([
      { clusterId: 1, applications: 2, onRelease: true, health: "HEALTHY", lastStatus: "SUCCEEDED" },
      { clusterId: 1, applications: 1, onRelease: false, health: "HEALTHY", lastStatus: null },
      { clusterId: 2, applications: 1, onRelease: false, health: "HEALTHY", lastStatus: "RUNNING" },
    ]);
    expect(counts).toEqual({ applications: 4, clusters: 2, running: 2, healthy: 2, degraded: 0, progressing: 1, failed: 0, movedOn: 0, notYetReached: 1 });
  });
});
