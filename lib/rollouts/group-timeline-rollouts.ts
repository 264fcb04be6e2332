// Rollout rows for the timeline: a rollout is one release in one environment. Every loaded
// deployment of a release whose rollout spans more than one application joins that rollout's
// row, which sits where its newest loaded deployment would; the row's counts come from the
// database (listPageRollouts), not from the rows loaded. Whether a deployment is grouped, and
// with which rollout, depends only on that deployment and its rollout, never on where a page
// ends, so loading more pages only adds deployments to rows (or rows) below, and the same
// deployments give the same rows whatever the page size.
import type { TimelineDeployment, TimelineRollout } from "../deployments/timeline-deployment";
import type { RolloutCounts } from "./rollout-counts";

export type TimelineEntry =
  | { kind: "deployment"; deployment: TimelineDeployment }
  | {
      kind: "rollout";
      /** The release and the environment: one row per rollout, stable across pages and live updates. */
      key: string;
      rollout: TimelineRollout;
      /** Its loaded deployments, newest first. */
      deployments: TimelineDeployment[];
    };

export function rolloutKey(releaseId: number, environment: string): string {
  return `${releaseId}:${environment}`;
}

/** `items` in timeline order (newest first); `rollouts` as the pages answered them, by rolloutKey. */
export function groupTimelineRollouts(items: readonly TimelineDeployment[], rollouts: ReadonlyMap<string, TimelineRollout>): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const rows = new Map<string, Extract<TimelineEntry, { kind: "rollout" }>>();
  for (const deployment of items) {
    const key = deployment.release ? rolloutKey(deployment.release.id, deployment.environment) : null;
    const rollout = key === null ? undefined : rollouts.get(key);
    if (key === null || !rollout || rollout.counts.applications < 2) {
      entries.push({ kind: "deployment", deployment });
      continue;
    }
    const row = rows.get(key);
    if (row) {
      row.deployments.push(deployment);
      continue;
    }
    const fresh = { kind: "rollout" as const, key, rollout, deployments: [deployment] };
    rows.set(key, fresh);
    entries.push(fresh);
  }
  return entries;
}

/** "3 of 5 clusters healthy, 1 degraded, 1 not yet reached": clusters when each application has its own. */
export function describeRolloutCounts(counts: RolloutCounts): string {
  const unit = counts.clusters === counts.applications ? "clusters" : "applications";
  const parts = [`${counts.healthy} of ${counts.applications} ${unit} healthy`];
  if (counts.degraded) parts.push(`${counts.degraded} degraded`);
  if (counts.failed) parts.push(`${counts.failed} failed`);
  if (counts.progressing) parts.push(`${counts.progressing} progressing`);
  if (counts.movedOn) parts.push(`${counts.movedOn} moved on`);
  if (counts.notYetReached) parts.push(`${counts.notYetReached} not yet reached`);
  return parts.join(", ");
}

/** The status a rollout row shows: trouble first, then work in progress. */
export function rolloutStatus(counts: RolloutCounts): TimelineDeployment["status"] {
  if (counts.failed) return "FAILED";
  if (counts.degraded) return "DEGRADED";
  if (counts.progressing) return "RUNNING";
  return "SUCCEEDED";
}
