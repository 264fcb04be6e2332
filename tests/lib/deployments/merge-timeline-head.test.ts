import { describe, expect, it } from "vitest";
import { mergeTimelineHead } from "../../../lib/deployments/merge-timeline-head";
import type { TimelineDeployment, TimelinePage } from "../../../lib/deployments/timeline-deployment";

function row(id: number, minute: number, status: TimelineDeployment["status"] = "SUCCEEDED"): TimelineDeployment {
  return {
    id,
    status,
    phase: "SUCCEEDED",
    startedAt: new Date(Date.UTC(2026, 10, 1, 12, 0) + minute * 60_000).toISOString(),
    finishedAt: null,
    healthyAt: null,
    service: { id: 1, name: "basket-api" },
    team: null,
    application: { id: id, name: `app-${id}` },
    environment: "prod",
    cluster: "prod-a",
    region: null,
    release: null,
    initiatedBy: null,
    automated: true,
    isRollback: false,
    rolledBackById: null,
  };
}

const page = (rows: TimelineDeployment[], nextCursor: string | null = null, rollouts: TimelinePage["rollouts"] = []): TimelinePage => ({ items: rows, nextCursor, rollouts });
const ids = (pages: TimelinePage[]) => pages.map((p) => p.items.map((item) => item.id));

describe("mergeTimelineHead", () => {
  const loaded = [page([row(5, 50), row(4, 40), row(3, 30)], "c1"), page([row(2, 20), row(1, 10)], null)];

  it("puts new deployments on top of the first page and reports them as added, keeping cursors", () => {
    const merged = mergeTimelineHead(loaded, page([row(7, 70), row(6, 60), row(5, 50)], "h"));
    expect(ids(merged.pages)).toEqual([[7, 6, 5, 4, 3], [2, 1]]);
    expect(merged.pages[0]!.nextCursor).toBe("c1");
    expect(merged.added).toEqual([7, 6]);
    expect(merged.reset).toBe(false);
  });

  it("replaces changed rows where they are, on any loaded page", () => {
    const merged = mergeTimelineHead(loaded, page([row(5, 50, "FAILED"), row(4, 40), row(3, 30), row(2, 20, "ROLLED_BACK")]));
    expect(merged.added).toEqual([]);
    expect(merged.pages[0]!.items[0]!.status).toBe("FAILED");
    expect(merged.pages[1]!.items[0]!.status).toBe("ROLLED_BACK");
  });

  it("sorts a late arrival (older start than the top row) into place", () => {
    const merged = mergeTimelineHead(loaded, page([row(5, 50), row(8, 45), row(4, 40)], "h"));
    expect(ids(merged.pages)[0]).toEqual([5, 8, 4, 3]);
    expect(merged.added).toEqual([8]);
  });

  it("starts over from the head when more arrived than one page holds (a gap the old cursors cannot page over)", () => {
    const head = page([row(9, 90), row(8, 80)], "more");
    const merged = mergeTimelineHead(loaded, head);
    expect(merged.reset).toBe(true);
    expect(ids(merged.pages)).toEqual([[9, 8]]);
  });

  it("takes the head as the first page of an empty timeline", () => {
    const merged = mergeTimelineHead([page([])], page([row(1, 1)]));
    expect(ids(merged.pages)).toEqual([[1]]);
    expect(merged.added).toEqual([1]);
  });

  it("replaces the loaded pages' counts of a rollout with the head's, and adds the head's new rollouts to the first page", () => {
    const counts = (healthy: number) => ({ applications: 3, clusters: 3, running: healthy, healthy, degraded: 0, progressing: 0, failed: 0, movedOn: 0, notYetReached: 3 - healthy });
    const rollout = (releaseId: number, healthy: number) => ({ release: { id: releaseId, version: `v${releaseId}` }, environment: "prod", counts: counts(healthy), startedAt: null, finishedAt: null });
    const pages = [page([row(5, 50)], "c1", [rollout(1, 1)]), page([row(2, 20)], null, [rollout(1, 1), rollout(2, 3)])];
    const merged = mergeTimelineHead(pages, page([row(6, 60), row(5, 50)], "h", [rollout(3, 0), rollout(1, 2)]));
    expect(merged.pages[0]!.rollouts.map((r) => [r.release.id, r.counts.healthy])).toEqual([[1, 2], [3, 0]]);
    expect(merged.pages[1]!.rollouts.map((r) => [r.release.id, r.counts.healthy])).toEqual([[1, 2], [2, 3]]);
  });
});
