// Finds or creates the rows an application hangs off (Argo CD instance, team, service,
// environment, cluster, application) and remembers their ids, so a stream of snapshots for
// known applications costs no lookups. One directory per process (worker) or per seed run.
//
// What grows with the fleet (services, applications, releases) is kept in size-bounded LRU
// caches: a long-running worker meets every application and every release of a 100,000-
// application fleet, and remembering all of them cost it tens of MiB. An evicted entry only
// costs the lookup or upsert a first sighting costs. Instances, teams, environments and
// clusters stay in plain maps: there are tens to hundreds of them, not thousands.
//
// Arrival order must not matter: notifications are retried hours late, and an application
// deleted and re-created under the same name (another cluster, a new metadata.uid) still gets
// its earlier incarnation's retries. So what a snapshot says about the application row (uid,
// labels, service, environment, cluster) and about its service (team, repository, tier) is
// taken only when no newer observation says otherwise; the caches mirror the rows as written,
// never the last snapshot processed.
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { ApplicationSnapshot } from "../argocd/application-snapshot";
import type { DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { type Classification, type ClassificationRules, environmentTraits } from "./classify-application";

/**
 * The application row a snapshot belongs to, and the service, team, environment and cluster the
 * snapshot itself names: what its deployment is recorded with. A late snapshot of an earlier
 * incarnation names where that incarnation ran, which the application row may no longer say.
 */
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

/** The label keys that name a service's team, repository and tier (the classification's). */
export type ServiceLabelRules = Pick<ClassificationRules, "teamLabels" | "repositoryLabels" | "tierLabels">;

/** When a snapshot was true, and which labels name what: how it is weighed against the rows. */
export type ServiceObservation = { observedAt: Date; rules: ServiceLabelRules };

// What the services and applications rows hold, as last written or read back.
type KnownService = { id: number; teamId: number | null; repository: string | null; tier: number };
type KnownApplication = { id: number; uid: string | null; labels: string; serviceId: number; environmentId: number; clusterId: number };
type ServiceRow = { id: number; team_id: number | null; repository: string | null; tier: number };
type ApplicationRow = {
  id: number;
  uid: string | null;
  labels: Record<string, string>;
  service_id: number;
  environment_id: number;
  cluster_id: number;
};

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
  private applications: LRUCache<string, KnownApplication>;
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

  /**
   * The service, created on first sight. With an observation, the team, repository and tier its
   * labels name replace the service's unless a newer snapshot of one of its applications names
   * them too; without one (a GitHub deployment, which has no labels), they only fill what the
   * service lacks.
   */
  async service(db: DbOrTx, classification: Classification, observation?: ServiceObservation): Promise<KnownService> {
    const teamId = classification.team ? await this.teamId(db, classification.team) : undefined;
    const known = this.services.get(classification.service);
    if (known && namesNothingNew(known, teamId, classification)) return known;
    const [row] = await db.$queryRaw<ServiceRow[]>`
      ${upsertService(classification, teamId, observation)} RETURNING id, team_id, repository, tier`;
    return this.rememberService(classification.service, row!);
  }

  /**
   * True when finding the snapshot's application cannot change its service row: the service is
   * known and the labels name no team, repository or tier it lacks. (A service row that changes is
   * weighed against its applications' newest observations, so it depends on what was written
   * before it: lib/applications/record-application-snapshots.ts writes those first.)
   */
  serviceIsCurrent(classification: Classification): boolean {
    const known = this.services.get(classification.service);
    if (!known) return false;
    const teamId = classification.team ? this.teams.get(classification.team) : undefined;
    if (classification.team && teamId === undefined) return false;
    return namesNothingNew(known, teamId, classification);
  }

  /**
   * The application a snapshot describes, created on first sight; its uid, labels, service,
   * environment and cluster follow the snapshot only when it is the newest observation of the
   * application. A first sighting upserts the service and the application in one statement.
   */
  async application(
    db: DbOrTx,
    snapshot: ApplicationSnapshot,
    classification: Classification,
    rules: ServiceLabelRules,
  ): Promise<ApplicationRef> {
    const instanceId = await this.instanceId(db, snapshot.instance);
    const teamId = classification.team ? await this.teamId(db, classification.team) : undefined;
    const environmentId = await this.environmentId(db, classification.environment);
    const clusterId = await this.clusterId(db, instanceId, classification.cluster);
    const observation = { observedAt: snapshot.observedAt, rules };
    const knownService = this.services.get(classification.service);
    const service = knownService && namesNothingNew(knownService, teamId, classification) ? knownService : undefined;
    const key = `${instanceId}|${snapshot.namespace}|${snapshot.name}`;
    const known = this.applications.get(key);
    const placement = { instanceId, environmentId, clusterId };
    const labels = labelsKey(snapshot.labels);
    const refOf = (applicationId: number, current: KnownService): ApplicationRef => ({
      applicationId,
      serviceId: current.id,
      serviceName: classification.service,
      repository: classification.repository ?? null,
      // The team the snapshot names (who owned it then), else the service's.
      teamId: teamId ?? current.teamId,
      environmentId,
      clusterId,
    });
    if (service || known) {
      // The service first (when it may change), then the application only if its row differs.
      const current = service ?? (await this.service(db, classification, observation));
      if (known && rowMatches(known, snapshot.uid, labels, current.id, placement)) return refOf(known.id, current);
      const [row] = await db.$queryRaw<ApplicationRow[]>`
        ${upsertApplication(snapshot, classification, placement, Prisma.sql`${current.id}`)}
        RETURNING id, uid, labels, service_id, environment_id, cluster_id`;
      this.rememberApplication(key, row!);
      return refOf(row!.id, current);
    }
    const [row] = await db.$queryRaw<(ApplicationRow & { s_id: number; s_team_id: number | null; s_repository: string | null; s_tier: number })[]>`
      WITH service AS (${upsertService(classification, teamId, observation)} RETURNING id, team_id, repository, tier),
        application AS (
          ${upsertApplication(snapshot, classification, placement, Prisma.sql`(SELECT id FROM service)`)}
          RETURNING id, uid, labels, service_id, environment_id, cluster_id)
      SELECT application.*, service.id AS s_id, service.team_id AS s_team_id, service.repository AS s_repository,
        service.tier AS s_tier
      FROM application, service`;
    const current = this.rememberService(classification.service, {
      id: row!.s_id,
      team_id: row!.s_team_id,
      repository: row!.s_repository,
      tier: row!.s_tier,
    });
    this.rememberApplication(key, row!);
    return refOf(row!.id, current);
  }

  private rememberService(name: string, row: ServiceRow): KnownService {
    const entry = { id: row.id, teamId: row.team_id, repository: row.repository, tier: row.tier };
    this.services.set(name, entry);
    return entry;
  }

  private rememberApplication(key: string, row: ApplicationRow): void {
    this.applications.set(key, {
      id: row.id,
      uid: row.uid,
      labels: labelsKey(row.labels),
      serviceId: row.service_id,
      environmentId: row.environment_id,
      clusterId: row.cluster_id,
    });
  }
}

type Placement = { instanceId: number; environmentId: number; clusterId: number };

/** True when the application row already says what the snapshot would write: nothing to do, however old it is. */
function rowMatches(known: KnownApplication, uid: string | undefined, labels: string, serviceId: number, placement: Placement): boolean {
  return (
    (uid === undefined || known.uid === uid) &&
    known.labels === labels &&
    known.serviceId === serviceId &&
    known.environmentId === placement.environmentId &&
    known.clusterId === placement.clusterId
  );
}

/** True when every team, repository and tier the labels name is what the service already holds. */
function namesNothingNew(known: KnownService, teamId: number | undefined, classification: Classification): boolean {
  return (
    (teamId === undefined || teamId === known.teamId) &&
    (!classification.repository || classification.repository === known.repository) &&
    (classification.tier === undefined || classification.tier === known.tier)
  );
}

/** The labels, whatever their key order, in a few bytes: the cache compares them, it need not keep them. */
function labelsKey(labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((key) => [key, labels[key]]);
  return createHash("sha1").update(JSON.stringify(sorted)).digest("base64");
}

/**
 * INSERT … ON CONFLICT for the service (RETURNING is the caller's): created with the team,
 * repository and tier its labels name. An existing one takes each of them unless an application
 * of the service was observed later (or at the same time, naming a greater value) with labels
 * that name it too: the service says what the newest snapshot of any of its applications says,
 * whatever order they were processed in. Applications rows keep each application's newest labels
 * and observation time, so they are the evidence, and a snapshot that changes nothing writes
 * nothing. Without an observation, the values only fill what the service lacks.
 */
function upsertService(classification: Classification, teamId: number | undefined, observation: ServiceObservation | undefined): Prisma.Sql {
  const { service: name, repository, tier } = classification;
  // `value` is written; `named` is what the labels said, weighed against what later labels say.
  const take = (current: Prisma.Sql, value: Prisma.Sql, named: Prisma.Sql, namedBy: (labels: Prisma.Sql, rules: ServiceLabelRules) => Prisma.Sql) => {
    if (!observation) return Prisma.sql`COALESCE(${current}, ${value})`;
    const at = Prisma.sql`${observation.observedAt}::timestamptz`;
    return Prisma.sql`CASE WHEN ${named} IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM applications o CROSS JOIN LATERAL (SELECT ${namedBy(Prisma.sql`o.labels`, observation.rules)} AS named) later
        WHERE o.service_id = services.id AND o.observed_at >= ${at} AND later.named IS NOT NULL
          AND (o.observed_at > ${at} OR later.named > ${named}))
      THEN ${value} ELSE ${current} END`;
  };
  const team = take(Prisma.sql`services.team_id`, Prisma.sql`${teamId ?? null}::int`, Prisma.sql`${classification.team ?? null}::text`, namedTeam);
  const repo = take(Prisma.sql`services.repository`, Prisma.sql`${repository || null}::text`, Prisma.sql`${repository || null}::text`, namedRepository);
  const rank = take(Prisma.sql`services.tier`, Prisma.sql`${tier ?? null}::int`, Prisma.sql`${tier ?? null}::numeric`, namedTier);
  return Prisma.sql`
    INSERT INTO services (name, team_id, repository, tier)
    VALUES (${name}, ${teamId ?? null}::int, ${repository ?? null}::text, ${tier ?? 2}::int)
    ON CONFLICT (name) DO UPDATE SET team_id = ${team}, repository = ${repo}, tier = ${rank}`;
}

// The team, repository and tier stored labels name, read as classifyApplication reads them: the
// first key with a non-blank value decides. (Kubernetes label values hold no whitespace, so
// btrim is String.trim for them.)
function firstLabel(labels: Prisma.Sql, keys: string[]): Prisma.Sql {
  return Prisma.sql`(SELECT btrim(${labels} ->> key) FROM unnest(${keys}::text[]) WITH ORDINALITY AS label(key, position)
    WHERE btrim(${labels} ->> key) <> '' ORDER BY position LIMIT 1)`;
}
function namedTeam(labels: Prisma.Sql, rules: ServiceLabelRules): Prisma.Sql {
  return firstLabel(labels, rules.teamLabels);
}
function namedRepository(labels: Prisma.Sql, rules: ServiceLabelRules): Prisma.Sql {
  // "acme.payments-api" stands for "acme/payments-api" (the first dot only, as String.replace).
  return Prisma.sql`regexp_replace(${firstLabel(labels, rules.repositoryLabels)}, '\\.', '/')`;
}
function namedTier(labels: Prisma.Sql, rules: ServiceLabelRules): Prisma.Sql {
  // parseInt after dropping a "tier" or "tier-" prefix: the leading digits, else no tier.
  return Prisma.sql`substring(regexp_replace(${firstLabel(labels, rules.tierLabels)}, '^tier-?', '', 'i') from '^\\s*([+-]?[0-9]+)')::numeric`;
}

/**
 * INSERT … ON CONFLICT for the application under `serviceId` (RETURNING is the caller's). An
 * existing row takes the snapshot's uid (kept when the snapshot lacks one), labels, service,
 * environment and cluster only when the snapshot is newer than the observation the row holds
 * (applications.observed_at, the rule recordApplicationSnapshot applies its state by), so a late
 * notification of a deleted earlier incarnation cannot move the re-created application back.
 * Otherwise the row is returned as it is, in the same round trip.
 */
function upsertApplication(snapshot: ApplicationSnapshot, classification: Classification, placement: Placement, serviceId: Prisma.Sql): Prisma.Sql {
  const observedAt = Prisma.sql`${snapshot.observedAt}::timestamptz`;
  // Same time: the greater of (uid, labels, service, environment, cluster server) wins, so equal
  // times settle the same way in any order (the state's own tie-break is its content's).
  const newer = Prisma.sql`(applications.observed_at IS NULL OR applications.observed_at < ${observedAt}
    OR (applications.observed_at = ${observedAt}
      AND (COALESCE(EXCLUDED.uid, applications.uid, ''), EXCLUDED.labels, ${classification.service}::text,
           ${classification.environment}::text, ${classification.cluster.server}::text)
        > (COALESCE(applications.uid, ''), applications.labels, (SELECT name FROM services WHERE id = applications.service_id),
           (SELECT name FROM environments WHERE id = applications.environment_id),
           (SELECT server FROM clusters WHERE id = applications.cluster_id))))`;
  const take = (value: Prisma.Sql, current: Prisma.Sql) => Prisma.sql`CASE WHEN ${newer} THEN ${value} ELSE ${current} END`;
  return Prisma.sql`
    INSERT INTO applications (argo_instance_id, namespace, name, uid, labels, service_id, environment_id, cluster_id, updated_at)
    VALUES (${placement.instanceId}, ${snapshot.namespace}, ${snapshot.name}, ${snapshot.uid ?? null}::text,
      ${JSON.stringify(snapshot.labels)}::jsonb, ${serviceId}, ${placement.environmentId}, ${placement.clusterId}, now())
    ON CONFLICT (argo_instance_id, namespace, name) DO UPDATE SET
      uid = ${take(Prisma.sql`COALESCE(EXCLUDED.uid, applications.uid)`, Prisma.sql`applications.uid`)},
      labels = ${take(Prisma.sql`EXCLUDED.labels`, Prisma.sql`applications.labels`)},
      service_id = ${take(Prisma.sql`EXCLUDED.service_id`, Prisma.sql`applications.service_id`)},
      environment_id = ${take(Prisma.sql`EXCLUDED.environment_id`, Prisma.sql`applications.environment_id`)},
      cluster_id = ${take(Prisma.sql`EXCLUDED.cluster_id`, Prisma.sql`applications.cluster_id`)},
      updated_at = ${take(Prisma.sql`now()`, Prisma.sql`applications.updated_at`)}`;
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
