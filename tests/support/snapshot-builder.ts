// Builders for Argo CD application snapshots in tests. The base is the real Application in
// tests/fixtures/argocd/application-real.yaml (velero-test, owned by the `velero`
// ApplicationSet), reduced by hand to an ApplicationSnapshot; tests vary names, images,
// operations and times on copies of it rather than inventing new shapes.
import type { ApplicationSnapshot, SyncOperation } from "../../lib/argocd/application-snapshot";
import type { HealthStatus, SyncStatus } from "../../lib/generated/prisma/enums";
import type { DbOrTx } from "../../lib/db/client";

/** application-real.yaml as a snapshot, exactly as the fixture states it. */
export const realApplicationSnapshot: ApplicationSnapshot = {
  instance: "argocd",
  namespace: "argo-cd",
  name: "velero-test",
  uid: "94978696-4fd4-40b3-a1de-38d9df9e9316",
  labels: {
    cloud_provider: "gcp",
    cluster_name: "gke-alpha-01-europe-west1",
    foo: "bar",
    preview: "true",
    project: "sre",
    service_class: "alpha",
    stack: "gke-v2",
  },
  manifestGeneratePaths: ".;/chart",
  applicationSet: "velero",
  project: "sre",
  source: { repoUrl: "https://github.com/foo/manifests-velero.git", path: "instances/test", targetRevision: "test-lla" },
  destination: { name: "gke-alpha-01-europe-west1", namespace: "test-lla" },
  autoSync: false,
  sync: { status: "SYNCED", revision: "rev1" },
  health: { status: "HEALTHY" },
  images: ["nginx:latest"],
  operation: {
    phase: "SUCCEEDED",
    startedAt: new Date("2024-03-05T07:33:03Z"),
    finishedAt: new Date("2024-03-05T07:33:04Z"),
    revision: "ea8759964626a583667a2bfd08f334ec2070040a",
    initiatedBy: "foo@example.com",
    automated: false,
    message: "successfully synced (all tasks run)",
  },
  latestHistory: {
    id: 23,
    revision: "ea8759964626a583667a2bfd08f334ec2070040a",
    deployStartedAt: new Date("2024-03-05T07:33:03Z"),
    deployedAt: new Date("2024-03-05T07:33:04Z"),
  },
  observedAt: new Date("2024-03-05T07:33:04Z"),
};

/** The fixture's application with some fields replaced (labels replace, they do not merge). */
export function applicationSnapshot(overrides: Partial<ApplicationSnapshot> = {}): ApplicationSnapshot {
  return structuredClone({ ...realApplicationSnapshot, ...overrides });
}

export const minutes = (n: number) => n * 60_000;
export const at = (base: Date, offsetMs: number) => new Date(base.getTime() + offsetMs);

/** A registry path in the fixture's Artifact Registry, for the service's own image and sidecars. */
export const image = (name: string, tag: string) => `europe-west1-docker.pkg.dev/foo/images/${name}:${tag}`;

export type RolloutOptions = {
  /** Fields of the application every snapshot of the rollout shares (name, labels, …). */
  app?: Partial<ApplicationSnapshot>;
  startedAt: Date;
  /** Images running before the sync: Argo CD keeps reporting them until it has finished. */
  from: string[];
  /** Images the sync deploys. */
  to: string[];
  /** Config revision the sync applies. */
  revision: string;
  historyId: number;
  initiatedBy?: string;
  /** Health after the sync finished, one snapshot per entry, a minute apart (default: healthy). */
  health?: HealthStatus[];
  /** The sync fails instead: Argo CD reports the old images and OutOfSync. */
  fails?: boolean;
};

/**
 * The snapshots Argo CD notifications report for one sync: running, then finished
 * (succeeded and still progressing, or failed), then each health change.
 */
export function rollout(options: RolloutOptions): ApplicationSnapshot[] {
  const { startedAt, revision } = options;
  const finishedAt = at(startedAt, minutes(2));
  const base: Omit<SyncOperation, "phase"> = {
    startedAt,
    revision,
    initiatedBy: options.initiatedBy,
    automated: options.initiatedBy === undefined,
  };
  const observe = (
    observedAt: Date,
    operation: SyncOperation,
    images: string[],
    health: HealthStatus,
    sync: SyncStatus,
    finished: boolean,
  ) =>
    applicationSnapshot({
      ...options.app,
      autoSync: options.initiatedBy === undefined,
      sync: { status: sync, revision },
      health: { status: health, ...(health === "DEGRADED" ? { message: "Deployment has exceeded its progress deadline" } : {}) },
      images,
      operation,
      latestHistory: finished ? { id: options.historyId, revision, deployStartedAt: startedAt, deployedAt: finishedAt } : undefined,
      observedAt,
    });

  const running = observe(at(startedAt, 5_000), { ...base, phase: "RUNNING" }, options.from, "PROGRESSING", "OUT_OF_SYNC", false);
  if (options.fails) {
    const failed: SyncOperation = {
      ...base,
      phase: "FAILED",
      finishedAt,
      message: "one or more objects failed to apply, reason: admission webhook denied the request",
    };
    return [running, observe(finishedAt, failed, options.from, "HEALTHY", "OUT_OF_SYNC", false)];
  }
  const succeeded: SyncOperation = { ...base, phase: "SUCCEEDED", finishedAt, message: "successfully synced (all tasks run)" };
  const settled = (options.health ?? ["HEALTHY"]).map((health, index) =>
    observe(at(finishedAt, minutes(index + 1)), succeeded, options.to, health, "SYNCED", true),
  );
  return [running, observe(finishedAt, succeeded, options.to, "PROGRESSING", "SYNCED", true), ...settled];
}

/** Empties every table the fleet model writes, so one test file can replay streams from scratch. */
export async function resetFleet(db: DbOrTx): Promise<void> {
  await db.$executeRaw`
    TRUNCATE deployment_events, release_commits, pull_request_commits, rollback_transitions, rollbacks, deployments,
      applications, releases, builds, commits, pull_requests, clusters, argo_instances, environments, services, teams
    RESTART IDENTITY CASCADE`;
}
