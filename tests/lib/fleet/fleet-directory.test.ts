// The fleet directory remembers ids in size-bounded caches: an entry it evicted must cost only a
// lookup next time (the same rows, never a duplicate), and clear() after a rollback must make it
// forget rows that no longer exist.
import { beforeEach, describe, expect, it } from "vitest";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import type { ApplicationSnapshot } from "@/lib/argocd/application-snapshot";
import { getDb } from "@/lib/db/client";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { applicationSnapshot, at, image, minutes, resetFleet, rollout } from "../../support/snapshot-builder";

const db = getDb();
const t0 = new Date("2026-03-10T09:00:00.000Z");
const HOUR = minutes(60);

async function record(directory: FleetDirectory, snapshots: ApplicationSnapshot[]) {
  for (const snapshot of snapshots) await db.$transaction((tx) => recordApplicationSnapshot(tx, directory, snapshot));
}

/** A sync of `service`'s application to `version`, `hours` after t0. */
const sync = (service: string, version: string, hours: number, labels: Record<string, string> = {}) =>
  rollout({
    app: { name: `${service}-test`, applicationSet: service, labels: { ...applicationSnapshot().labels, ...labels } },
    startedAt: at(t0, hours * HOUR),
    from: [],
    to: [image(service, version)],
    revision: `rev-${service}-${version}`,
    historyId: hours + 1,
  });

const rows = async () => ({
  services: (await db.service.findMany({ orderBy: { name: "asc" }, include: { team: true } })).map((service) => [service.name, service.team?.slug ?? null]),
  applications: (await db.application.findMany({ orderBy: { name: "asc" }, include: { currentRelease: true } })).map((application) => [
    application.id,
    application.name,
    application.currentRelease?.version ?? null,
  ]),
  releases: (await db.release.findMany({ orderBy: { version: "asc" } })).map((release) => release.version),
  deployments: await db.deployment.count(),
});

beforeEach(() => resetFleet(db));

describe("FleetDirectory", () => {
  it("writes the same rows whether its caches hold one entry or every entry", async () => {
    const history = [
      ...sync("velero", "v1.13.0", 0),
      ...sync("billing", "2.0.0", 1),
      ...sync("velero", "v1.14.0", 2),
      ...sync("billing", "2.0.1", 3),
      // The same releases again: evicted from a one-entry cache, known to a roomy one.
      ...sync("velero", "v1.14.0", 4),
      ...sync("billing", "2.0.1", 5),
    ];
    await record(new FleetDirectory(), history);
    const roomy = await rows();
    await resetFleet(db);
    await record(new FleetDirectory({ applications: 1, services: 1, releases: 1 }), history);
    const evicting = await rows();

    expect(evicting).toEqual({ ...roomy, applications: evicting.applications });
    // Ids differ between the two runs (sequences move on); names and releases do not.
    expect(evicting.applications.map(([, name, release]) => [name, release])).toEqual(roomy.applications.map(([, name, release]) => [name, release]));
    expect(evicting.applications).toHaveLength(2);
    expect(evicting.releases).toEqual(["2.0.0", "2.0.1", "v1.13.0", "v1.14.0"]);
    expect(evicting.deployments).toBe(6);
  });

  it("moves a service to the team its labels now name, even after the service was evicted", async () => {
    const directory = new FleetDirectory({ applications: 1, services: 1, releases: 1 });
    await record(directory, sync("velero", "v1.13.0", 0, { team: "storage" }));
    await record(directory, sync("billing", "2.0.0", 1, { team: "payments" }));
    await record(directory, sync("velero", "v1.14.0", 2, { team: "platform" }));
    expect((await rows()).services).toEqual([
      ["billing", "payments"],
      ["velero", "platform"],
    ]);
    // Deployments keep the team that owned the service when they ran.
    const teams = new Map((await db.team.findMany()).map((team) => [team.id, team.slug]));
    const velero = await db.deployment.findMany({ where: { service: { name: "velero" } }, orderBy: { startedAt: "asc" } });
    expect(velero.map((deployment) => teams.get(deployment.teamId!))).toEqual(["storage", "platform"]);
  });

  it("after clear(), finds rows again instead of naming rows a rolled-back transaction created", async () => {
    const directory = new FleetDirectory();
    const [first] = sync("velero", "v1.13.0", 0);
    await expect(
      db.$transaction(async (tx) => {
        await recordApplicationSnapshot(tx, directory, first!);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    directory.clear();
    await record(directory, sync("velero", "v1.13.0", 0));
    expect(await rows()).toMatchObject({ applications: [[expect.any(Number), "velero-test", "v1.13.0"]], releases: ["v1.13.0"], deployments: 1 });
  });
});
