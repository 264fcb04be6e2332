// What the fleet directory writes about an application and its service must not depend on the
// order notifications arrive in. Argo CD retries a notification hours late, and an application
// deleted and re-created under the same name (another cluster, a new metadata.uid) still gets its
// earlier incarnation's retries: those must not move the re-created application back, and an
// older snapshot must not hand the service back to the team it had then.
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { markApplicationDeleted } from "@/lib/applications/mark-application-deleted";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import type { ApplicationSnapshot } from "@/lib/argocd/application-snapshot";
import { getDb } from "@/lib/db/client";
import { type ClassificationRules, defaultClassificationRules } from "@/lib/fleet/classify-application";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { processPendingDeliveries } from "@/lib/ingest/queue/worker";
import { argocdFixture, argocdNotification, insertDelivery, type Json, quietLog, resetAll } from "../../support/deliveries";
import { applicationSnapshot, at, image, minutes, realApplicationSnapshot, resetFleet, rollout } from "../../support/snapshot-builder";

const db = getDb();
const t0 = new Date("2026-03-10T09:00:00.000Z");
const HOUR = minutes(60);
const fixtureLabels = realApplicationSnapshot.labels;

/** One notification as the worker applies it; `deleted` is an on-deleted one (recorded, then marked). */
type Notification = { snapshot: ApplicationSnapshot; deleted?: boolean };

async function deliver(directory: FleetDirectory, notifications: Notification[], rules?: ClassificationRules) {
  for (const { snapshot, deleted } of notifications) {
    await db.$transaction(async (tx) => {
      await recordApplicationSnapshot(tx, directory, snapshot, rules);
      // As lib/ingest/handlers/argocd-event.ts does for an on-deleted notification.
      if (deleted) {
        const identity = { instance: snapshot.instance, namespace: snapshot.namespace, name: snapshot.name, uid: snapshot.uid };
        await markApplicationDeleted(tx, identity, { deletedAt: snapshot.observedAt, observedAt: snapshot.observedAt });
      }
    });
  }
}

/** The rows the directory and the state projection decide, with ids replaced by natural keys. */
async function fleetRows() {
  const [applications, services, deployments] = await Promise.all([
    db.$queryRaw<Record<string, unknown>[]>`
      SELECT a.name, a.uid, a.labels, s.name AS service, e.name AS environment, c.server AS cluster, a.project, a.repo_url,
             a.path, a.target_revision, a.destination_namespace, a.observed_at, a.deleted_at, r.version AS current_release
      FROM applications a JOIN services s ON s.id = a.service_id JOIN environments e ON e.id = a.environment_id
      JOIN clusters c ON c.id = a.cluster_id LEFT JOIN releases r ON r.id = a.current_release_id
      ORDER BY a.name`,
    db.$queryRaw<Record<string, unknown>[]>`
      SELECT s.name, t.slug AS team, s.repository, s.tier FROM services s LEFT JOIN teams t ON t.id = s.team_id ORDER BY s.name`,
    db.$queryRaw<Record<string, unknown>[]>`
      SELECT a.name AS application, d.operation_key, s.name AS service, t.slug AS team, e.name AS environment,
             c.server AS cluster, r.version AS release, d.status
      FROM deployments d JOIN applications a ON a.id = d.application_id JOIN services s ON s.id = d.service_id
      LEFT JOIN teams t ON t.id = d.team_id JOIN environments e ON e.id = d.environment_id JOIN clusters c ON c.id = d.cluster_id
      LEFT JOIN releases r ON r.id = d.release_id
      ORDER BY a.name, d.started_at`,
  ]);
  return { applications, services, deployments };
}

async function replay(notifications: Notification[], directory = new FleetDirectory()) {
  await resetFleet(db);
  await deliver(directory, notifications);
  return fleetRows();
}

beforeEach(() => resetFleet(db));

// ---------------------------------------------------------------- re-created on another cluster

// velero-test as first created on gke-alpha-01, and as re-created after its deletion on
// gke-beta-02: a new uid, labels, project, source and destination.
const firstIncarnation: Partial<ApplicationSnapshot> = {
  uid: "uid-first",
  labels: { ...fixtureLabels, team: "storage", "shiplog.io/repository": "foo.manifests-velero", tier: "2" },
};
const secondIncarnation: Partial<ApplicationSnapshot> = {
  uid: "uid-second",
  labels: {
    ...fixtureLabels,
    cluster_name: "gke-beta-02-europe-west4",
    cloud_provider: "gcp",
    team: "platform",
    "shiplog.io/repository": "foo.velero-deploy",
    tier: "1",
    environment: "staging",
  },
  project: "platform",
  source: { repoUrl: "https://github.com/foo/velero-deploy.git", path: "clusters/beta", targetRevision: "main" },
  destination: { name: "gke-beta-02-europe-west4", namespace: "velero" },
};

const v1 = [image("velero", "v1.13.0")];
const v2 = [image("velero", "v1.14.0")];
const v3 = [image("velero", "v1.15.0")];
const firstSyncs = [
  ...rollout({ app: firstIncarnation, startedAt: t0, from: [], to: v1, revision: "rev1", historyId: 1 }),
  ...rollout({ app: firstIncarnation, startedAt: at(t0, HOUR), from: v1, to: v2, revision: "rev2", historyId: 2, health: ["DEGRADED", "HEALTHY"] }),
];
/** The on-deleted notification: the first incarnation's last state, observed when it was deleted. */
const deletion: Notification = { snapshot: { ...structuredClone(firstSyncs.at(-1)!), observedAt: at(t0, 2 * HOUR) }, deleted: true };
const secondSyncs = rollout({ app: secondIncarnation, startedAt: at(t0, 3 * HOUR), from: [], to: v3, revision: "rev3", historyId: 1 });

const inOrder: Notification[] = [...firstSyncs.map((snapshot) => ({ snapshot })), deletion, ...secondSyncs.map((snapshot) => ({ snapshot }))];
const of = (snapshots: ApplicationSnapshot[]) => snapshots.map((snapshot) => ({ snapshot }));

describe("FleetDirectory: an application deleted and re-created on another cluster", () => {
  it("in order: the application is the second incarnation, each deployment where it ran", async () => {
    const rows = await replay(inOrder);
    expect(rows.applications).toEqual([
      {
        name: "velero-test",
        uid: "uid-second",
        labels: secondIncarnation.labels,
        service: "velero",
        environment: "staging",
        cluster: "name:gke-beta-02-europe-west4",
        project: "platform",
        repo_url: "https://github.com/foo/velero-deploy.git",
        path: "clusters/beta",
        target_revision: "main",
        destination_namespace: "velero",
        observed_at: secondSyncs.at(-1)!.observedAt,
        deleted_at: null,
        current_release: "v1.15.0",
      },
    ]);
    expect(rows.services).toEqual([{ name: "velero", team: "platform", repository: "foo/velero-deploy", tier: 1 }]);
    // The first incarnation's deployments stay on the application, where and by whom they ran.
    expect(rows.deployments.map((row) => [row.release, row.cluster, row.environment, row.team])).toEqual([
      ["v1.13.0", "name:gke-alpha-01-europe-west1", "test", "storage"],
      ["v1.14.0", "name:gke-alpha-01-europe-west1", "test", "storage"],
      ["v1.15.0", "name:gke-beta-02-europe-west4", "staging", "platform"],
    ]);
  });

  it.each([
    ["the first incarnation's last sync retried after the second's", [...of(firstSyncs.slice(0, 4)), deletion, ...of(secondSyncs), ...of(firstSyncs.slice(4))]],
    ["every notification of the first incarnation retried after the second's", [...of(secondSyncs), ...of(firstSyncs), deletion]],
    ["the deletion first, the first incarnation's syncs last", [deletion, ...of(secondSyncs), ...of(firstSyncs)]],
    ["everything backwards", [...inOrder].reverse()],
  ])("writes the same rows when %s", async (_, late) => {
    const expected = await replay(inOrder);
    expect(await replay(late)).toEqual(expected);
    // The same with caches that evict everything between two notifications.
    expect(await replay(late, new FleetDirectory({ applications: 1, services: 1, releases: 1 }))).toEqual(expected);
  });

  it("a late notification of the deleted application does not bring it back", async () => {
    await deliver(new FleetDirectory(), [...of(firstSyncs.slice(0, 4)), deletion, ...of(firstSyncs.slice(4))]);
    expect((await fleetRows()).applications).toEqual([
      expect.objectContaining({ uid: "uid-first", cluster: "name:gke-alpha-01-europe-west1", deleted_at: deletion.snapshot.observedAt }),
    ]);
  });
});

// The same story as Argo CD notifications through the worker: the real Application object, the
// on-deleted notification carrying it, and a retry of the first incarnation's on-deployed.
const real = await argocdFixture();

describe("FleetDirectory: a re-created application's notifications through the worker", () => {
  const iso = (offset: number) => at(t0, offset).toISOString();

  function notification(incarnation: "first" | "second", syncedAt: number, event: string, deletedAt?: number): Json {
    const app = structuredClone(real);
    app.metadata.uid = `uid-${incarnation}`;
    if (incarnation === "second") {
      app.metadata.creationTimestamp = iso(syncedAt - minutes(1));
      app.metadata.labels = { ...app.metadata.labels, cluster_name: "gke-beta-02-europe-west4", team: "platform" };
      app.spec.destination = { name: "gke-beta-02-europe-west4", namespace: "velero" };
    } else {
      app.metadata.labels = { ...app.metadata.labels, team: "storage" };
    }
    app.status.operationState.startedAt = iso(syncedAt);
    app.status.operationState.finishedAt = iso(syncedAt + minutes(2));
    app.status.reconciledAt = iso(syncedAt + minutes(3));
    if (deletedAt !== undefined) app.metadata.deletionTimestamp = iso(deletedAt);
    return argocdNotification(app, event);
  }

  const firstDeployed = notification("first", 0, "on-deployed");
  const firstDeleted = notification("first", 0, "on-deleted", HOUR);
  const secondDeployed = notification("second", 2 * HOUR, "on-deployed");

  async function drainInReceivedOrder(bodies: Json[]) {
    await resetAll();
    const base = Date.now();
    for (const [index, body] of bodies.entries()) {
      await insertDelivery({ source: "ARGOCD", event: body.event, body, receivedAt: new Date(base + index) });
    }
    const summary = await processPendingDeliveries({ log: quietLog(), directory: new FleetDirectory() });
    expect(summary.failed + summary.quarantined).toBe(0);
    return fleetRows();
  }

  it("the first incarnation's on-deployed retried after the re-created one's changes nothing it says now", async () => {
    const inOrder = await drainInReceivedOrder([firstDeployed, firstDeleted, secondDeployed]);
    expect(inOrder.applications).toEqual([
      expect.objectContaining({ uid: "uid-second", cluster: "name:gke-beta-02-europe-west4", destination_namespace: "velero", deleted_at: null }),
    ]);
    expect(inOrder.services).toEqual([expect.objectContaining({ name: "velero", team: "platform" })]);
    expect(await drainInReceivedOrder([firstDeployed, firstDeleted, secondDeployed, firstDeployed])).toEqual(inOrder);
    expect(await drainInReceivedOrder([secondDeployed, firstDeployed, firstDeleted])).toEqual(inOrder);
  });
});

// ---------------------------------------------------------------- the service's team and labels

/** A synced snapshot of `name` (a velero ApplicationSet application) observed `hours` after t0. */
const observation = (name: string, hours: number, labels: Record<string, string>) =>
  applicationSnapshot({
    name,
    uid: `uid-${name}`,
    applicationSet: "velero",
    labels: { ...fixtureLabels, ...labels },
    images: v1,
    operation: { phase: "SUCCEEDED", startedAt: at(t0, hours * HOUR), finishedAt: at(t0, hours * HOUR + minutes(2)), automated: true },
    observedAt: at(t0, hours * HOUR + minutes(3)),
  });

/** Every order of `items`. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

async function serviceAfter(snapshots: ApplicationSnapshot[], directory = new FleetDirectory(), rules?: ClassificationRules) {
  await resetFleet(db);
  await deliver(directory, of(snapshots), rules);
  return (await fleetRows()).services;
}

describe("FleetDirectory: a service's team, repository and tier", () => {
  const storage = { team: "storage", "shiplog.io/repository": "foo.velero-old", tier: "1" };
  const platform = { team: "platform", "shiplog.io/repository": "foo.velero", tier: "3" };

  it("come from the newest snapshot of any of its applications, in either order", async () => {
    const older = observation("velero-test", 0, storage);
    const newer = observation("velero-staging", 1, platform);
    const expected = [{ name: "velero", team: "platform", repository: "foo/velero", tier: 3 }];
    expect(await serviceAfter([older, newer])).toEqual(expected);
    expect(await serviceAfter([newer, older])).toEqual(expected);
  });

  it("come from the newest snapshot that names them: one naming none changes nothing", async () => {
    const named = observation("velero-test", 0, storage);
    const unnamed = observation("velero-staging", 1, {});
    const expected = [{ name: "velero", team: "storage", repository: "foo/velero-old", tier: 1 }];
    expect(await serviceAfter([named, unnamed])).toEqual(expected);
    expect(await serviceAfter([unnamed, named])).toEqual(expected);
  });

  it("stay with the newest when an older snapshot naming others arrives after one the cache skipped", async () => {
    // velero-test says storage before and after velero-staging says platform: storage is newest.
    const snapshots = [observation("velero-test", 0, storage), observation("velero-staging", 1, platform), observation("velero-test", 2, storage)];
    for (const order of permutations(snapshots)) {
      expect(await serviceAfter(order)).toEqual([{ name: "velero", team: "storage", repository: "foo/velero-old", tier: 1 }]);
    }
  });

  it("read newer applications' labels as the classification does: any of the rule's keys, tier-N, a dotted repository", async () => {
    const newer = observation("velero-staging", 1, { team: " ", owner: "payments", "shiplog.io/repository": "acme.ledger.api", tier: "tier-3" });
    const older = observation("velero-test", 0, storage);
    expect(await serviceAfter([newer, older])).toEqual([{ name: "velero", team: "payments", repository: "acme/ledger.api", tier: 3 }]);
    // Operator rules (SHIPLOG_CLASSIFICATION_RULES) decide which labels count as naming them.
    const rules = { ...defaultClassificationRules, teamLabels: ["squad"], tierLabels: ["criticality"] };
    const squad = observation("velero-staging", 1, { squad: "ledger", criticality: "1" });
    // The older one's team and tier labels are not the rules' keys: only squad and criticality count.
    const older2 = observation("velero-test", 0, { ...storage, squad: "storage", criticality: "2" });
    const expected = [{ name: "velero", team: "ledger", repository: "foo/velero-old", tier: 1 }];
    expect(await serviceAfter([squad, older2], undefined, rules)).toEqual(expected);
  });

  it("a late snapshot still records its deployment with the team it names", async () => {
    await serviceAfter([observation("velero-staging", 1, platform), observation("velero-test", 0, storage)]);
    const { deployments, services } = await fleetRows();
    expect(services).toEqual([{ name: "velero", team: "platform", repository: "foo/velero", tier: 3 }]);
    expect(deployments.map((row) => [row.application, row.team])).toEqual([
      ["velero-staging", "platform"],
      ["velero-test", "storage"],
    ]);
  });
});

// ---------------------------------------------------------------- any order

describe("FleetDirectory: two incarnations delivered in any order", () => {
  // 25 orderings (about 20 s on two cores); PROPERTY_RUNS=150 passed in about two minutes.
  const runs = Number(process.env.PROPERTY_RUNS ?? 25);
  it(`writes the rows in-order delivery writes, for ${runs} shuffled deliveries with duplicates`, async () => {
    const expected = await replay(inOrder);
    const positions = inOrder.map((_, index) => index);
    const deliveries = fc
      .tuple(
        fc.shuffledSubarray(positions, { minLength: positions.length, maxLength: positions.length }),
        fc.array(fc.constantFrom(...positions), { maxLength: 4 }),
        fc.constantFrom(1, 1_000),
      )
      .chain(([shuffled, duplicates, cacheSize]) => {
        const all = [...shuffled, ...duplicates];
        return fc.tuple(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), fc.constant(cacheSize));
      });
    await fc.assert(
      fc.asyncProperty(deliveries, async ([delivered, cacheSize]) => {
        const directory = new FleetDirectory({ applications: cacheSize, services: cacheSize, releases: cacheSize });
        expect(await replay(delivered.map((index) => inOrder[index]!), directory)).toEqual(expected);
      }),
      { numRuns: runs, seed: 20260310 },
    );
  }, 600_000);
});
