// Finds or creates the rows an application hangs off (Argo CD instance, team, service,
// environment, cluster, application) and remembers their ids, so a stream of snapshots for
// known applications costs no lookups. One directory per process (worker) or per seed run.
import type { ApplicationSnapshot } from "../argocd/application-snapshot";
import type { DbOrTx } from "../db/client";
import { type Classification, environmentTraits } from "./classify-application";

export type ApplicationRef = {
  applicationId: number;
  serviceId: number;
  serviceName: string;
  repository: string | null;
  teamId: number | null;
  environmentId: number;
  clusterId: number;
};

export class FleetDirectory {
  private instances = new Map<string, number>();
  private teams = new Map<string, number>();
  private environments = new Map<string, number>();
  private clusters = new Map<string, number>();
  private services = new Map<string, { id: number; teamId: number | null; fingerprint: string }>();
  private applications = new Map<string, ApplicationRef>();
  /** Releases by service and version, with what the database is known to hold for them. */
  readonly releases = new Map<string, { id: number; firstSeenAt: Date; commitSha: string | null }>();

  /** Forget everything (after a transaction that created rows rolled back). */
  clear(): void {
    for (const map of [this.instances, this.teams, this.environments, this.clusters, this.services, this.applications, this.releases]) {
      map.clear();
    }
  }

  // Shared rows (instances, teams, environments, clusters) are read first and inserted with
  // ON CONFLICT DO NOTHING: an upsert would lock rows every worker touches and deadlock them.

  async instanceId(db: DbOrTx, name: string): Promise<number> {
    const known = this.instances.get(name);
    if (known !== undefined) return known;
    const id = await findOrInsert(
      () => db.$queryRaw<{ id: number }[]>`SELECT id FROM argo_instances WHERE name = ${name}`,
      () => db.$queryRaw<{ id: number }[]>`INSERT INTO argo_instances (name) VALUES (${name}) ON CONFLICT (name) DO NOTHING RETURNING id`,
    );
    this.instances.set(name, id);
    return id;
  }

  async teamId(db: DbOrTx, slug: string): Promise<number> {
    const known = this.teams.get(slug);
    if (known !== undefined) return known;
    const id = await findOrInsert(
      () => db.$queryRaw<{ id: number }[]>`SELECT id FROM teams WHERE slug = ${slug}`,
      () => db.$queryRaw<{ id: number }[]>`INSERT INTO teams (slug, name) VALUES (${slug}, ${slug}) ON CONFLICT (slug) DO NOTHING RETURNING id`,
    );
    this.teams.set(slug, id);
    return id;
  }

  async environmentId(db: DbOrTx, name: string): Promise<number> {
    const known = this.environments.get(name);
    if (known !== undefined) return known;
    const { rank, isProduction } = environmentTraits(name);
    const id = await findOrInsert(
      () => db.$queryRaw<{ id: number }[]>`SELECT id FROM environments WHERE name = ${name}`,
      () => db.$queryRaw<{ id: number }[]>`
        INSERT INTO environments (name, rank, is_production) VALUES (${name}, ${rank}, ${isProduction})
        ON CONFLICT (name) DO NOTHING RETURNING id`,
    );
    this.environments.set(name, id);
    return id;
  }

  async clusterId(db: DbOrTx, instanceId: number, cluster: Classification["cluster"]): Promise<number> {
    const key = `${instanceId}|${cluster.server}`;
    const known = this.clusters.get(key);
    if (known !== undefined) return known;
    const found = await db.$queryRaw<{ id: number; name: string; region: string | null; provider: string | null }[]>`
      SELECT id, name, region, provider FROM clusters WHERE argo_instance_id = ${instanceId} AND server = ${cluster.server}`;
    let id = found[0]?.id;
    if (id === undefined) {
      id = await findOrInsert(
        () => db.$queryRaw<{ id: number }[]>`SELECT id FROM clusters WHERE argo_instance_id = ${instanceId} AND server = ${cluster.server}`,
        () => db.$queryRaw<{ id: number }[]>`
          INSERT INTO clusters (argo_instance_id, server, name, region, provider)
          VALUES (${instanceId}, ${cluster.server}, ${cluster.name}, ${cluster.region ?? null}, ${cluster.provider ?? null})
          ON CONFLICT (argo_instance_id, server) DO NOTHING RETURNING id`,
      );
    } else {
      const row = found[0]!;
      const stale =
        row.name !== cluster.name ||
        (cluster.region !== undefined && row.region !== cluster.region) ||
        (cluster.provider !== undefined && row.provider !== cluster.provider);
      if (stale) {
        await db.$executeRaw`
          UPDATE clusters SET name = ${cluster.name}, region = COALESCE(${cluster.region ?? null}, region),
            provider = COALESCE(${cluster.provider ?? null}, provider)
          WHERE id = ${id}`;
      }
    }
    this.clusters.set(key, id);
    return id;
  }

  /** The service, created on first sight; labels for team, repository and tier update it. */
  async service(db: DbOrTx, classification: Classification): Promise<{ id: number; teamId: number | null }> {
    const { service: name, team, repository, tier } = classification;
    const teamId = team ? await this.teamId(db, team) : undefined;
    const fingerprint = `${teamId}|${repository}|${tier}`;
    const known = this.services.get(name);
    if (known && known.fingerprint === fingerprint) return known;
    const update = {
      ...(teamId === undefined ? {} : { teamId }),
      ...(repository ? { repository } : {}),
      ...(tier === undefined ? {} : { tier }),
    };
    const row = await db.service.upsert({
      where: { name },
      create: { name, teamId: teamId ?? null, repository: repository ?? null, tier: tier ?? 2 },
      update,
      select: { id: true, teamId: true },
    });
    const entry = { ...row, fingerprint };
    this.services.set(name, entry);
    return entry;
  }

  /** The application a snapshot describes, created or re-homed to match its classification. */
  async application(db: DbOrTx, snapshot: ApplicationSnapshot, classification: Classification): Promise<ApplicationRef> {
    const instanceId = await this.instanceId(db, snapshot.instance);
    const service = await this.service(db, classification);
    const environmentId = await this.environmentId(db, classification.environment);
    const clusterId = await this.clusterId(db, instanceId, classification.cluster);
    const key = `${instanceId}|${snapshot.namespace}|${snapshot.name}`;
    const known = this.applications.get(key);
    if (
      known &&
      known.repository === (classification.repository ?? null) &&
      known.serviceId === service.id &&
      known.teamId === service.teamId &&
      known.environmentId === environmentId &&
      known.clusterId === clusterId
    ) {
      return known;
    }
    const placement = { serviceId: service.id, environmentId, clusterId };
    const row = await db.application.upsert({
      where: { argoInstanceId_namespace_name: { argoInstanceId: instanceId, namespace: snapshot.namespace, name: snapshot.name } },
      create: { argoInstanceId: instanceId, namespace: snapshot.namespace, name: snapshot.name, uid: snapshot.uid, labels: snapshot.labels, ...placement },
      update: { uid: snapshot.uid, labels: snapshot.labels, ...placement },
      select: { id: true },
    });
    const ref: ApplicationRef = {
      applicationId: row.id,
      serviceId: service.id,
      serviceName: classification.service,
      repository: classification.repository ?? null,
      teamId: service.teamId,
      environmentId,
      clusterId,
    };
    this.applications.set(key, ref);
    return ref;
  }
}

/** The id of an existing row, else of the row inserted now, else of the row a concurrent insert won with. */
async function findOrInsert(
  find: () => Promise<{ id: number }[]>,
  insert: () => Promise<{ id: number }[]>,
): Promise<number> {
  const found = (await find())[0] ?? (await insert())[0] ?? (await find())[0];
  if (!found) throw new Error("fleet directory: row vanished between insert and read");
  return found.id;
}
