// Loads the demo fleet through the same domain functions ingestion uses. Services are
// independent (own repository, own applications), so several are loaded at once, each in one
// transaction; shared topology (teams, Argo CD instances, environments, clusters) comes first.
import { recordApplicationSnapshot } from "../../lib/applications/record-application-snapshot";
import { recordBuild } from "../../lib/builds/record-build";
import { recordPush } from "../../lib/commits/record-push";
import type { Db, DbOrTx } from "../../lib/db/client";
import type { Classification } from "../../lib/fleet/classify-application";
import { FleetDirectory } from "../../lib/fleet/fleet-directory";
import { rebuildDoraRollups } from "../../lib/metrics/rebuild-dora-rollups";
import { z } from "zod";
import { recordPullRequest } from "../../lib/pull-requests/record-pull-request";
import { type DemoEvent, type DemoFleetOptions, demoClusters, demoServiceEvents, demoServices, demoTeams } from "./generate-demo-fleet";

export type SeedSummary = { services: number; applications: number; deployments: number; releases: number; commits: number; pullRequests: number; seconds: number };

export type SeedOptions = Partial<DemoFleetOptions> & { services: number; lanes?: number; log?: (line: string) => void };

/** True when nothing has been recorded yet: no services and no webhook deliveries. */
export async function isFleetEmpty(db: Db): Promise<boolean> {
  const [services, deliveries] = await Promise.all([db.service.count(), db.webhookDelivery.count()]);
  return services === 0 && deliveries === 0;
}

// The demo's loading state, so a first start interrupted half-way finishes the job next time
// instead of mistaking a half-loaded fleet for real data.
const DEMO_SETTING = "demo_fleet";
const demoState = z.object({ status: z.enum(["loading", "complete"]), services: z.number().int(), now: z.coerce.date() });

/**
 * Loads the demo fleet into an empty database, or finishes loading one an earlier start began.
 * A database holding anything else is left alone.
 */
export async function seedDemoFleetIfEmpty(db: Db, options: SeedOptions): Promise<{ seeded: boolean; resumed?: boolean; summary?: SeedSummary }> {
  const stored = await db.setting.findUnique({ where: { key: DEMO_SETTING } });
  const state = stored ? demoState.parse(stored.value) : undefined;
  if (state?.status === "complete") return { seeded: false };
  if (!state && !(await isFleetEmpty(db))) return { seeded: false };
  const plan = state ?? { status: "loading" as const, services: options.services, now: options.now ?? topOfHour() };
  if (!state) await db.setting.create({ data: { key: DEMO_SETTING, value: { ...plan, now: plan.now.toISOString() } } });
  const summary = await seedDemoFleet(db, { ...options, services: plan.services, now: plan.now });
  await db.setting.update({ where: { key: DEMO_SETTING }, data: { value: { ...plan, status: "complete", now: plan.now.toISOString() } } });
  return { seeded: true, resumed: state !== undefined, summary };
}

/** The demo's "now" is the top of the current hour, so a reseed within the hour is identical. */
function topOfHour(): Date {
  return new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
}

export async function seedDemoFleet(db: Db, options: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const now = options.now ?? topOfHour();
  const fleetOptions: DemoFleetOptions = { services: options.services, now, days: options.days, cadence: options.cadence, applicationsPerService: options.applicationsPerService };
  // Services already loaded (each commits whole) are skipped when an interrupted load resumes.
  const loaded = new Set((await db.service.findMany({ select: { name: true } })).map((service) => service.name));
  const services = demoServices(options.services, { applicationsPerService: options.applicationsPerService }).filter(
    (service) => !loaded.has(service.name),
  );

  await seedTopology(db);

  let next = 0;
  let done = 0;
  // Six overlaps round trips best on two cores (measured: 4 lanes 65 s, 6 lanes 56 s, 8 lanes 59 s).
  const lanes = Math.max(1, options.lanes ?? 6);
  const lane = async () => {
    const directory = new FleetDirectory();
    while (next < services.length) {
      const service = services[next++]!;
      const events = demoServiceEvents(service, fleetOptions);
      await db.$transaction((tx) => applyDemoEvents(tx, directory, events), { timeout: 300_000, maxWait: 60_000 });
      done += 1;
      if (done % 100 === 0) log(`seeded ${done}/${services.length} services`);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  // One pass over the loaded fleet instead of a refresh per service's dirty marks.
  await rebuildDoraRollups(db);

  const [total, applications, deployments, releases, commits, pullRequests] = await Promise.all([
    db.service.count(),
    db.application.count(), db.deployment.count(), db.release.count(), db.commit.count(), db.pullRequest.count(),
  ]);
  return { services: total, applications, deployments, releases, commits, pullRequests, seconds: (Date.now() - started) / 1000 };
}

/** Feeds events to the domain functions, in order. */
export async function applyDemoEvents(db: DbOrTx, directory: FleetDirectory, events: DemoEvent[]): Promise<void> {
  for (const event of events) {
    switch (event.kind) {
      case "push":
        await recordPush(db, event.push);
        break;
      case "pull-request":
        await recordPullRequest(db, event.pullRequest);
        break;
      case "build":
        await recordBuild(db, event.build);
        break;
      case "snapshot":
        await recordApplicationSnapshot(db, directory, event.snapshot);
        break;
    }
  }
}

/** Teams with display names, and every cluster with its Argo CD instance, region and provider. */
export async function seedTopology(db: Db): Promise<void> {
  const directory = new FleetDirectory();
  for (const team of demoTeams) {
    await db.team.upsert({ where: { slug: team.slug }, create: { slug: team.slug, name: team.name }, update: { name: team.name } });
  }
  for (const environment of ["dev", "staging", "prod"]) await directory.environmentId(db, environment);
  for (const cluster of demoClusters()) {
    const instanceId = await directory.instanceId(db, cluster.instance);
    const spec: Classification["cluster"] = { server: cluster.server, name: cluster.name, region: cluster.region, provider: cluster.provider };
    await directory.clusterId(db, instanceId, spec);
  }
}
