import { describe, expect, it } from "vitest";
import { describeRolloutProgress, groupRollouts, rolloutProgress, rolloutStatus } from "../../../lib/deployments/group-rollouts";
import type { TimelineDeployment } from "../../../lib/deployments/timeline-deployment";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 12, 0) + minute * 60_000).toISOString();

let nextId = 1;
function deployment(overrides: { minute: number; release?: number | null; cluster?: string; application?: number; status?: TimelineDeployment["status"]; service?: string }): TimelineDeployment {
  const id = nextId++;
  const release = overrides.release === undefined ? 1 : overrides.release;
  return {
    id,
    status: overrides.status ?? "SUCCEEDED",
    phase: "SUCCEEDED",
    startedAt: at(overrides.minute),
    finishedAt: at(overrides.minute + 1),
    healthyAt: null,
    service: { id: 1, name: overrides.service ?? "basket-api" },
    team: "shop",
    application: { id: overrides.application ?? id, name: `app-${id}` },
    environment: "prod",
    cluster: overrides.cluster ?? `cluster-${id}`,
    region: null,
    release: release === null ? null : { id: release, version: `1.${release}.0` },
    initiatedBy: null,
    automated: true,
    isRollback: false,
    rolledBackById: null,
  };
}

const shape = (entries: ReturnType<typeof groupRollouts>) =>
  entries.map((entry) => (entry.kind === "deployment" ? entry.deployment.id : entry.deployments.map((member) => member.id)));

describe("groupRollouts", () => {
  it("makes one rollout of a release going to several clusters within the window", () => {
    const items = [deployment({ minute: 10 }), deployment({ minute: 5 }), deployment({ minute: 0 })];
    const entries = groupRollouts(items);
    expect(shape(entries)).toEqual([items.map((item) => item.id)]);
    expect(entries[0]).toMatchObject({ kind: "rollout", release: { id: 1 }, mayContinue: false, progress: { total: 3, healthy: 3, unit: "clusters" } });
  });

  it("chains the window: each member within 90 min of the group's oldest so far", () => {
    const items = [deployment({ minute: 160 }), deployment({ minute: 80 }), deployment({ minute: 0 }), deployment({ minute: -91 })];
    expect(shape(groupRollouts(items))).toEqual([[items[0]!.id, items[1]!.id, items[2]!.id], items[3]!.id]);
  });

  it("keeps a rollout together when other services' deployments interleave, placed at its newest member", () => {
    const a1 = deployment({ minute: 10, release: 1 });
    const other = deployment({ minute: 9, release: 7, service: "search" });
    const a2 = deployment({ minute: 8, release: 1 });
    const lone = deployment({ minute: 7, release: null });
    expect(shape(groupRollouts([a1, other, a2, lone]))).toEqual([[a1.id, a2.id], other.id, lone.id]);
  });

  it("leaves single deployments and deployments without a release as rows", () => {
    const items = [deployment({ minute: 3, release: 1 }), deployment({ minute: 2, release: 2 }), deployment({ minute: 1, release: null }), deployment({ minute: 0, release: null })];
    expect(shape(groupRollouts(items))).toEqual(items.map((item) => item.id));
  });

  it("merges a rollout split across pages once the next page is loaded, and says it may continue before", () => {
    const page1 = [deployment({ minute: 20, release: 9 }), deployment({ minute: 10, release: 3 })];
    const page2 = [deployment({ minute: 8, release: 3 }), deployment({ minute: 6, release: 3 })];
    const before = groupRollouts(page1, { moreToLoad: true });
    expect(before[1]).toMatchObject({ kind: "rollout", mayContinue: true, deployments: [page1[1]] });
    const after = groupRollouts([...page1, ...page2], { moreToLoad: false });
    expect(shape(after)).toEqual([page1[0]!.id, [page1[1]!.id, page2[0]!.id, page2[1]!.id]]);
    expect(after[1]).toMatchObject({ mayContinue: false });
  });

  it("does not mark a rollout as continuing when the last loaded row is outside its window", () => {
    const items = [deployment({ minute: 300, release: 4 }), deployment({ minute: 295, release: 4 }), deployment({ minute: 0, release: 5 })];
    expect(groupRollouts(items, { moreToLoad: true })[0]).toMatchObject({ kind: "rollout", mayContinue: false });
  });
});

describe("rollout progress", () => {
  it("counts each application's newest deployment: 4 of 6 clusters healthy, 1 failed, 1 running", () => {
    const members = [
      deployment({ minute: 6, status: "RUNNING" }),
      deployment({ minute: 5, status: "FAILED" }),
      ...[4, 3, 2, 1].map((minute) => deployment({ minute })),
    ];
    const progress = rolloutProgress(members);
    expect(describeRolloutProgress(progress)).toBe("4 of 6 clusters healthy, 1 failed, 1 running");
    expect(rolloutStatus(progress)).toBe("FAILED");
  });

  it("counts a re-sync of one application once, by its newest deployment, and says applications when clusters repeat", () => {
    const retried = deployment({ minute: 9, application: 500, cluster: "prod-a", status: "SUCCEEDED" });
    const failedBefore = deployment({ minute: 5, application: 500, cluster: "prod-a", status: "FAILED" });
    const sibling = deployment({ minute: 4, application: 501, cluster: "prod-a", status: "DEGRADED" });
    const progress = rolloutProgress([retried, failedBefore, sibling]);
    expect(progress).toMatchObject({ total: 2, healthy: 1, failed: 0, degraded: 1, unit: "applications" });
    expect(describeRolloutProgress(progress)).toBe("1 of 2 applications healthy, 1 degraded");
    expect(rolloutStatus(progress)).toBe("DEGRADED");
  });

  it("shows a rollout still going as running, and a finished clean one as succeeded", () => {
    expect(rolloutStatus(rolloutProgress([deployment({ minute: 1, status: "RUNNING" }), deployment({ minute: 0 })]))).toBe("RUNNING");
    expect(rolloutStatus(rolloutProgress([deployment({ minute: 1 }), deployment({ minute: 0 })]))).toBe("SUCCEEDED");
  });
});
