// Live updates for an open timeline: a freshly read first page (the "head", same filters) is
// merged into the pages already loaded. New deployments go to the top, changed ones (a sync
// that finished, a rollback link) are replaced where they are, and each loaded page keeps its
// rows and its cursor, so "load more" continues exactly where it did. The head's rollout counts
// replace those the loaded pages hold for the same rollouts, as its rows replace theirs.
import type { TimelineDeployment, TimelinePage, TimelineRollout } from "./timeline-deployment";

export type MergedTimeline = {
  pages: TimelinePage[];
  /** Ids in the head that no loaded page had: the rows to mark as new. */
  added: number[];
  /**
   * The head does not reach the loaded rows (more arrived than one page holds): the loaded pages
   * were replaced by the head alone, since a gap cannot be paged over with the old cursors.
   */
  reset: boolean;
};

export function mergeTimelineHead(pages: TimelinePage[], head: TimelinePage): MergedTimeline {
  const loaded = new Map<number, TimelineDeployment>();
  for (const page of pages) for (const item of page.items) loaded.set(item.id, item);
  const fresh = new Map(head.items.map((item) => [item.id, item]));
  const added = head.items.filter((item) => !loaded.has(item.id)).map((item) => item.id);

  const first = pages[0]?.items[0];
  const headLast = head.items[head.items.length - 1];
  const overlaps = head.items.length > added.length;
  // A full head entirely newer than everything loaded, with more behind it: a gap.
  if (first && headLast && !overlaps && head.nextCursor !== null && compareTimeline(headLast, first) < 0) {
    return { pages: [head], added, reset: true };
  }
  if (pages.length === 0) return { pages: [head], added, reset: false };

  const freshRollouts = new Map(head.rollouts.map((rollout) => [rolloutId(rollout), rollout]));
  const replaced = pages.map((page) => ({
    ...page,
    items: page.items.map((item) => fresh.get(item.id) ?? item),
    rollouts: page.rollouts.map((rollout) => freshRollouts.get(rolloutId(rollout)) ?? rollout),
  }));
  const newcomers = head.items.filter((item) => !loaded.has(item.id));
  const firstPage = replaced[0]!;
  // Newcomers older than the loaded first row (a late notification) still belong on the first
  // page, in timeline order; its cursor (its last row) is unchanged when they sort above it.
  const merged = [...newcomers, ...firstPage.items].sort(compareTimeline);
  const known = new Set(firstPage.rollouts.map(rolloutId));
  replaced[0] = { ...firstPage, items: merged, rollouts: [...firstPage.rollouts, ...head.rollouts.filter((rollout) => !known.has(rolloutId(rollout)))] };
  return { pages: replaced, added, reset: false };
}

/** Timeline order: start time descending, then id descending (the API's keyset order). */
export function compareTimeline(a: TimelineDeployment, b: TimelineDeployment): number {
  const byTime = Date.parse(b.startedAt) - Date.parse(a.startedAt);
  return byTime !== 0 ? byTime : b.id - a.id;
}

function rolloutId(rollout: TimelineRollout): string {
  return `${rollout.release.id}:${rollout.environment}`;
}
