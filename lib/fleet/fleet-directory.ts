// Finds or creates the rows an application hangs off (Argo CD instance, team, service,
// environment, cluster, application) and remembers their ids, so a stream of snapshots for
// known applications costs no lookups. One directory per process (worker) or per seed run.
//
// What grows with the fleet (services, applications, releases) is kept in size-bounded LRU
// caches: a long-running worker meets every application and every release of a 100,000-
// application fleet, and remembering all of them cost it tens of MiB. An evicted entry only
// costs the lookup or upsert a first sighting costs. Instances, teams, environments and
// clusters stay in plain maps: there are tens to hundreds of them, not thousands.
import { LRUCache } from "lru-cache";
import type { ApplicationSnapshot } from "../argocd/application-snapshot";
import type { DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
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

export type KnownRelease = { id: number; firstSeenAt: Date; commitSha: string | null };

type KnownService = { id: number; teamId: number | null; fingerprint: string };

// Bounds of the caches. An entry costs a few hundred bytes (its key, a small object and the
// cache's bookkeeping), so each cache stays under about 10 MiB even when full. Applications:
// far more than a storm touches at once (the notifications of a 5-minute storm at 2,000/s
// name a few thousand applications); the reconciliation poller only stores applications that
// changed, so it does not sweep the whole fleet through the cache. Services: one per service
// of a 5,000-service fleet with room to spare. Releases: the recent releases of those
// services, which is what notifications keep naming.
export const DIRECTORY_LIMITS = { applications: 25_000, services: 10_000, releases: 25_000 } as const;

export class FleetDirectory {
  private instances = new Map<string, number>();
  private teams = new Map<string, number>();
  private environments = new Map<string, number>();
  private clusters = new Map<string, number>();
  private services: LRUCache<string, KnownService>;
  private applications: LRUCache<string, ApplicationRef>;
  /** Releases by service and version, with what the database is known to hold for them. */
  readonly releases: LRUCache<string, KnownRelease>;

  constructor(limits: { applications: number; services: number; releases: number } = DIRECTORY_LIMITS) {
    this.services = new LRUCache({ max: limits.services });
    this.applications = new LRUCache({ max: limits.applications });
    this.releases = new LRUCache({ max: limits.releases });
  }

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
    const teamId = classification.team ? await this.teamId(db, classification.team) : undefined;
    const fingerprint = serviceFingerprint(teamId, classification);
    const known = this.services.get(classification.service);
    if (known && known.fingerprint === fingerprint) return known;
    const [row] = await db.$queryRaw<{ id: number; team_id: number | null }[]>`${upsertService(classification, teamId)} RETURNING id, team_id`;
    return this.rememberService(classification.service, fingerprint, row!);
  }

  /**
   * The application a snapshot describes, created or re-homed to match its classification. A
   * first sighting upserts the service and the application in one statement.
   */
  async application(db: DbOrTx, snapshot: ApplicationSnapshot, classification: Classification): Promise<ApplicationRef> {
    const instanceId = await this.instanceId(db, snapshot.instance);
    const teamId = classification.team ? await this.teamId(db, classification.team) : undefined;
    const environmentId = await this.environmentId(db, classification.environment);
    const clusterId = await this.clusterId(db, instanceId, classification.cluster);
    const fingerprint = serviceFingerprint(teamId, classification);
    const knownService = this.services.get(classification.service);
    const service = knownService?.fingerprint === fingerprint ? knownService : undefined;
    const key = `${instanceId}|${snapshot.namespace}|${snapshot.name}`;
    const known = this.applications.get(key);
    const placement = { instanceId, environmentId, clusterId };
    if (service || known) {
      // The service first (when it changed), then the application only if it no longer matches.
      const current = service ?? (await this.service(db, classification));
      if (known && matches(known, classification, current, placement)) return known;
      const [row] = await db.$queryRaw<{ id: number }[]>`${upsertApplication(snapshot, placement, Prisma.sql`${current.id}`)} RETURNING id`;
      return this.rememberApplication(key, row!.id, classification, current, placement);
    }
    const [row] = await db.$queryRaw<{ application_id: number; id: number; team_id: number | null }[]>`
      WITH service AS (${upsertService(classification, teamId)} RETURNING id, team_id),
        application AS (${upsertApplication(snapshot, placement, Prisma.sql`(SELECT id FROM service)`)} RETURNING id)
      SELECT application.id AS application_id, service.id, service.team_id FROM application, service`;
    const current = this.rememberService(classification.service, fingerprint, row!);
    return this.rememberApplication(key, row!.application_id, classification, current, placement);
  }

  private rememberService(name: string, fingerprint: string, row: { id: number; team_id: number | null }): KnownService {
    const entry = { id: row.id, teamId: row.team_id, fingerprint };
    this.services.set(name, entry);
    return entry;
  }

  private rememberApplication(
    key: string,
    applicationId: number,
    classification: Classification,
    service: { id: number; teamId: number | null },
    placement: Placement,
  ): ApplicationRef {
    const ref: ApplicationRef = {
      applicationId,
      serviceId: service.id,
      serviceName: classification.service,
      repository: classification.repository ?? null,
      teamId: service.teamId,
      environmentId: placement.environmentId,
      clusterId: placement.clusterId,
    };
    this.applications.set(key, ref);
    return ref;
  }
}

type Placement = { instanceId: number; environmentId: number; clusterId: number };

function matches(known: ApplicationRef, classification: Classification, service: { id: number; teamId: number | null }, placement: Placement): boolean {
  return (
    known.repository === (classification.repository ?? null) &&
    known.serviceId === service.id &&
    known.teamId === service.teamId &&
    known.environmentId === placement.environmentId &&
    known.clusterId === placement.clusterId
  );
}

function serviceFingerprint(teamId: number | undefined, classification: Classification): string {
  return `${teamId}|${classification.repository}|${classification.tier}`;
}

/**
 * INSERT … ON CONFLICT for the service (RETURNING is the caller's): created with the team,
 * repository and tier its labels name; an existing one takes those the labels name and keeps
 * the rest.
 */
function upsertService(classification: Classification, teamId: number | undefined): Prisma.Sql {
  const { service: name, repository, tier } = classification;
  return Prisma.sql`
    INSERT INTO services (name, team_id, repository, tier)
    VALUES (${name}, ${teamId ?? null}::int, ${repository ?? null}::text, ${tier ?? 2}::int)
    ON CONFLICT (name) DO UPDATE SET
      team_id = COALESCE(${teamId ?? null}::int, services.team_id),
      repository = COALESCE(${repository || null}::text, services.repository),
      tier = COALESCE(${tier ?? null}::int, services.tier)`;
}

/** INSERT … ON CONFLICT for the application under `serviceId` (RETURNING is the caller's); a uid the snapshot lacks is kept. */
function upsertApplication(snapshot: ApplicationSnapshot, placement: Placement, serviceId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO applications (argo_instance_id, namespace, name, uid, labels, service_id, environment_id, cluster_id, updated_at)
    VALUES (${placement.instanceId}, ${snapshot.namespace}, ${snapshot.name}, ${snapshot.uid ?? null}::text,
      ${JSON.stringify(snapshot.labels)}::jsonb, ${serviceId}, ${placement.environmentId}, ${placement.clusterId}, now())
    ON CONFLICT (argo_instance_id, namespace, name) DO UPDATE SET
      uid = COALESCE(EXCLUDED.uid, applications.uid), labels = EXCLUDED.labels, service_id = EXCLUDED.service_id,
      environment_id = EXCLUDED.environment_id, cluster_id = EXCLUDED.cluster_id, updated_at = now()`;
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
