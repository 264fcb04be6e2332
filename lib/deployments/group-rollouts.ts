// Rollout grouping for the timeline: one release going out to many applications (clusters,
// environments) becomes one row with its progress, expandable to the deployments.
//
// The rule: deployments of the same release whose start times chain within `windowMs` of each
// other (each within the window of the group's oldest member so far) form one rollout. Members
// need not be adjacent: on a fleet-wide timeline other services' deployments interleave with a
// rollout, and requiring adjacency would split it into many one-row "groups". The rollout sits
// where its newest member would. It is a pure function of the loaded rows in timeline order, so
// a rollout split across keyset pages simply merges once the next page is loaded.
import type { TimelineDeployment } from "./timeline-deployment";

/**
 * Progressive rollouts pause between clusters to watch the last one (bake time, often 10–60
 * min), so the window is generous; a release's next environment usually comes hours later.
 */
export const ROLLOUT_WINDOW_MS = 90 * 60_000;

export type RolloutProgress = {
  /** Applications in the rollout (a re-sync of one application counts once, by its newest deployment). */
  total: number;
  healthy: number;
  failed: number;
  degraded: number;
  running: number;
  rolledBack: number;
  /** "clusters" when every application is on its own cluster, else "applications". */
  unit: "clusters" | "applications";
};

export type TimelineEntry =
  | { kind: "deployment"; deployment: TimelineDeployment }
  | {
      kind: "rollout";
      /** Stable across reloads and live updates: the release and its newest member when first seen. */
      key: string;
      release: { id: number; version: string };
      deployments: TimelineDeployment[];
      progress: RolloutProgress;
      /** More of this rollout may be on pages not loaded yet. */
      mayContinue: boolean;
    };

type OpenGroup = { release: { id: number; version: string }; members: TimelineDeployment[]; oldestStartedAt: number; index: number };

/**
 * Groups the loaded timeline rows (newest first) into entries. `moreToLoad`: further pages
 * exist, so a rollout reaching the last loaded row's window may continue there.
 */
export function groupRollouts(items: TimelineDeployment[], options: { windowMs?: number; moreToLoad?: boolean } = {}): TimelineEntry[] {
  const windowMs = options.windowMs ?? ROLLOUT_WINDOW_MS;
  const slots: (TimelineDeployment | OpenGroup)[] = [];
  const open = new Map<number, OpenGroup>();

  for (const deployment of items) {
    const startedAt = Date.parse(deployment.startedAt);
    const release = deployment.release;
    if (!release) {
      slots.push(deployment);
      continue;
    }
    const group = open.get(release.id);
    if (group && group.oldestStartedAt - startedAt <= windowMs) {
      group.members.push(deployment);
      group.oldestStartedAt = Math.min(group.oldestStartedAt, startedAt);
      continue;
    }
    const fresh: OpenGroup = { release, members: [deployment], oldestStartedAt: startedAt, index: slots.length };
    open.set(release.id, fresh);
    slots.push(fresh);
  }

  const last = items[items.length - 1];
  const lastStartedAt = last ? Date.parse(last.startedAt) : 0;
  return slots.map((slot): TimelineEntry => {
    if (!("members" in slot)) return { kind: "deployment", deployment: slot };
    const mayContinue = Boolean(options.moreToLoad) && slot.oldestStartedAt - lastStartedAt <= windowMs;
    if (slot.members.length === 1 && !mayContinue) return { kind: "deployment", deployment: slot.members[0]! };
    return {
      kind: "rollout",
      key: `${slot.release.id}-${slot.members[slot.members.length - 1]!.id}`,
      release: slot.release,
      deployments: slot.members,
      progress: rolloutProgress(slot.members),
      mayContinue,
    };
  });
}

/** Progress over the newest deployment of each application in the rollout. */
export function rolloutProgress(deployments: TimelineDeployment[]): RolloutProgress {
  const newestPerApplication = new Map<number, TimelineDeployment>();
  for (const deployment of deployments) {
    const seen = newestPerApplication.get(deployment.application.id);
    if (!seen || Date.parse(deployment.startedAt) > Date.parse(seen.startedAt)) newestPerApplication.set(deployment.application.id, deployment);
  }
  const latest = [...newestPerApplication.values()];
  const count = (status: TimelineDeployment["status"]) => latest.filter((deployment) => deployment.status === status).length;
  const clusters = new Set(latest.map((deployment) => deployment.cluster));
  return {
    total: latest.length,
    healthy: count("SUCCEEDED"),
    failed: count("FAILED"),
    degraded: count("DEGRADED"),
    running: count("RUNNING"),
    rolledBack: count("ROLLED_BACK"),
    unit: clusters.size === latest.length ? "clusters" : "applications",
  };
}

/** "4 of 6 clusters healthy, 1 failed, 1 running". */
export function describeRolloutProgress(progress: RolloutProgress): string {
  const parts = [`${progress.healthy} of ${progress.total} ${progress.unit} healthy`];
  if (progress.failed) parts.push(`${progress.failed} failed`);
  if (progress.degraded) parts.push(`${progress.degraded} degraded`);
  if (progress.running) parts.push(`${progress.running} running`);
  if (progress.rolledBack) parts.push(`${progress.rolledBack} rolled back`);
  return parts.join(", ");
}

/** The status a rollout row shows: trouble first, then work in progress. */
export function rolloutStatus(progress: RolloutProgress): TimelineDeployment["status"] {
  if (progress.failed) return "FAILED";
  if (progress.degraded) return "DEGRADED";
  if (progress.rolledBack) return "ROLLED_BACK";
  if (progress.running) return "RUNNING";
  return "SUCCEEDED";
}
