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

  async instanceId(db: DbOrTx, name: string): Promise<number> {
    const known = this.instances.get(name);
    if (known !== undefined) return known;
    const row = await db.argoInstance.upsert({ where: { name }, create: { name }, update: {}, select: { id: true } });
    this.instances.set(name, row.id);
    return row.id;
  }

  async teamId(db: DbOrTx, slug: string): Promise<number> {
    const known = this.teams.get(slug);
    if (known !== undefined) return known;
    const row = await db.team.upsert({ where: { slug }, create: { slug, name: slug }, update: {}, select: { id: true } });
    this.teams.set(slug, row.id);
    return row.id;
  }

  async environmentId(db: DbOrTx, name: string): Promise<number> {
    const known = this.environments.get(name);
    if (known !== undefined) return known;
    const row = await db.environment.upsert({
      where: { name },
      create: { name, ...environmentTraits(name) },
      update: {},
      select: { id: true },
    });
    this.environments.set(name, row.id);
    return row.id;
  }

  async clusterId(db: DbOrTx, instanceId: number, cluster: Classification["cluster"]): Promise<number> {
    const key = `${instanceId}|${cluster.server}`;
    const known = this.clusters.get(key);
    if (known !== undefined) return known;
    const row = await db.cluster.upsert({
      where: { argoInstanceId_server: { argoInstanceId: instanceId, server: cluster.server } },
      create: { argoInstanceId: instanceId, server: cluster.server, name: cluster.name, region: cluster.region, provider: cluster.provider },
      update: { name: cluster.name, ...(cluster.region ? { region: cluster.region } : {}), ...(cluster.provider ? { provider: cluster.provider } : {}) },
      select: { id: true },
    });
    this.clusters.set(key, row.id);
    return row.id;
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
      teamId: service.teamId,
      environmentId,
      clusterId,
    };
    this.applications.set(key, ref);
    return ref;
  }
}
