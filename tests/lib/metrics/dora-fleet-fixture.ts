// A small random fleet for the DORA tests: teams, services, environments (two production),
// applications on two clusters, releases with commits and pull requests, and deployments with
// every status, spread over ~60 days before `now`. Deterministic for a given seed.
import type { Db } from "@/lib/db/client";
import type { DeploymentStatus, OperationPhase } from "@/lib/generated/prisma/enums";

export function randomNumbers(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

export type Random = ReturnType<typeof randomNumbers>;

const OUTCOMES: { status: DeploymentStatus; phase: OperationPhase; weight: number }[] = [
  { status: "SUCCEEDED", phase: "SUCCEEDED", weight: 10 },
  { status: "FAILED", phase: "FAILED", weight: 2 },
  { status: "DEGRADED", phase: "SUCCEEDED", weight: 2 },
  { status: "ROLLED_BACK", phase: "SUCCEEDED", weight: 1 },
  { status: "RUNNING", phase: "RUNNING", weight: 1 },
];

export function pickOutcome(random: Random) {
  const total = OUTCOMES.reduce((sum, outcome) => sum + outcome.weight, 0);
  let roll = random.next() * total;
  for (const outcome of OUTCOMES) {
    roll -= outcome.weight;
    if (roll < 0) return outcome;
  }
  return OUTCOMES[0]!;
}

export type DoraFleet = {
  teams: { id: number; slug: string }[];
  services: { id: number; name: string; teamId: number | null }[];
  applications: { id: number; serviceId: number; teamId: number | null; environmentId: number; clusterId: number }[];
  releases: { id: number; serviceId: number; firstSeenAt: Date }[];
};

const MINUTE = 60_000;

export async function createDoraFleet(db: Db, random: Random, now: Date): Promise<DoraFleet> {
  const teams = await Promise.all(["payments", "platform"].map((slug) => db.team.create({ data: { slug, name: slug } })));
  const environments = await Promise.all([
    db.environment.create({ data: { name: "dev", rank: 10 } }),
    db.environment.create({ data: { name: "staging", rank: 20 } }),
    db.environment.create({ data: { name: "prod", rank: 30, isProduction: true } }),
    db.environment.create({ data: { name: "prod-eu", rank: 40, isProduction: true } }),
  ]);
  const argo = await db.argoInstance.create({ data: { name: "argo" } });
  const clusters = await Promise.all(
    ["a", "b"].map((name) => db.cluster.create({ data: { argoInstanceId: argo.id, name, server: `https://${name}.example` } })),
  );
  const fleet: DoraFleet = { teams: teams.map(({ id, slug }) => ({ id, slug })), services: [], applications: [], releases: [] };
  for (const [index, name] of ["checkout", "ledger", "gateway", "orphan"].entries()) {
    const teamId = index < 3 ? teams[index % 2]!.id : null;
    const service = await db.service.create({ data: { name, teamId, repository: `acme/${name}` } });
    fleet.services.push({ id: service.id, name, teamId });
    for (const environment of environments) {
      for (const cluster of clusters.slice(0, environment.isProduction ? 2 : 1)) {
        const application = await db.application.create({
          data: { argoInstanceId: argo.id, namespace: "argocd", name: `${name}-${environment.name}-${cluster.name}`, serviceId: service.id, environmentId: environment.id, clusterId: cluster.id },
        });
        fleet.applications.push({ id: application.id, serviceId: service.id, teamId, environmentId: environment.id, clusterId: cluster.id });
      }
    }
    let released = new Date(now.getTime() - 60 * 24 * 60 * MINUTE);
    for (let version = 1; version <= 8; version += 1) {
      released = new Date(released.getTime() + random.int(60, 7 * 24 * 60) * MINUTE);
      const release = await db.release.create({ data: { serviceId: service.id, version: `v${version}`, firstSeenAt: released } });
      fleet.releases.push({ id: release.id, serviceId: service.id, firstSeenAt: released });
      await addReleaseCommits(db, random, service, release.id, released, random.int(0, 3));
    }
  }
  return fleet;
}

let commitCounter = 0;

/** Commits for a release (some through a merged pull request), committed before `before`. */
export async function addReleaseCommits(db: Db, random: Random, service: { name: string }, releaseId: number, before: Date, count: number) {
  for (let index = 0; index < count; index += 1) {
    commitCounter += 1;
    const sha = commitCounter.toString(16).padStart(40, "0");
    const committedAt = new Date(before.getTime() - random.int(5, 5 * 24 * 60) * MINUTE);
    const commit = await db.commit.create({ data: { repository: `acme/${service.name}`, sha, message: `change ${commitCounter}`, committedAt } });
    await db.releaseCommit.create({ data: { releaseId, commitId: commit.id } });
    if (random.next() < 0.5) {
      const mergedAt = new Date(committedAt.getTime() + random.int(1, 600) * MINUTE);
      const pullRequest = await db.pullRequest.create({
        data: { repository: `acme/${service.name}`, number: commitCounter, title: `PR ${commitCounter}`, state: "MERGED", openedAt: committedAt, mergedAt },
      });
      await db.pullRequestCommit.create({ data: { pullRequestId: pullRequest.id, commitId: commit.id } });
    }
  }
}

let operationCounter = 0;

/** `count` deployments of random releases to random applications at random times. */
export async function addRandomDeployments(db: Db, random: Random, fleet: DoraFleet, now: Date, count: number): Promise<void> {
  const rows = [];
  for (let index = 0; index < count; index += 1) {
    const application = random.pick(fleet.applications);
    const releases = fleet.releases.filter((release) => release.serviceId === application.serviceId);
    const release = random.pick(releases);
    const startedAt = new Date(Math.min(now.getTime() - MINUTE, release.firstSeenAt.getTime() + random.int(1, 20 * 24 * 60) * MINUTE));
    const outcome = pickOutcome(random);
    const finishedAt = outcome.phase === "RUNNING" ? null : new Date(startedAt.getTime() + random.int(1, 30) * MINUTE);
    operationCounter += 1;
    rows.push({
      applicationId: application.id,
      serviceId: application.serviceId,
      teamId: application.teamId,
      environmentId: application.environmentId,
      clusterId: application.clusterId,
      releaseId: random.next() < 0.95 ? release.id : null,
      operationKey: `op-${operationCounter}`,
      phase: outcome.phase,
      status: outcome.status,
      observedAt: startedAt,
      startedAt,
      finishedAt,
      healthyAt: outcome.status === "SUCCEEDED" && finishedAt && random.next() < 0.7 ? new Date(finishedAt.getTime() + random.int(1, 20) * MINUTE) : null,
      degradedAt: outcome.status === "DEGRADED" && finishedAt ? new Date(finishedAt.getTime() + random.int(1, 20) * MINUTE) : null,
    });
  }
  await db.deployment.createMany({ data: rows });
}
