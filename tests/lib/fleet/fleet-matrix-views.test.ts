// Every view of the fleet matrix (grouping × filter) on random fleets has exactly the rows the
// live applications imply, computed here from the applications directly: the row index reads
// service_environment_states, and by cluster or region merges its rows in code, so this checks
// both against the plain definition.
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";
import { HEALTH_STATUSES } from "@/lib/fleet/derive-fleet-cell";
import { FLEET_GROUPS, FLEET_ONLY, type FleetGroup, type FleetOnly } from "@/lib/fleet/fleet-view";
import { listFleetMatrix } from "@/lib/fleet/list-fleet-matrix";

type Service = { id: number; name: string; teamSlug: string | null };
type Cluster = { id: number; region: string | null };
type LiveApplication = { service_id: number; environment_id: number; cluster_id: number; health_status: string; sync_status: string; current_release_id: number | null };

let client: pg.Client;
let argoInstanceId: number;
let services: Service[];
let environmentIds: number[];
let clusters: Cluster[];
let releaseIds: Map<number, number[]>;
let appNumber = 0;

beforeAll(async () => {
  const db = getDb();
  client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  argoInstanceId = (await db.argoInstance.create({ data: { name: "argo" } })).id;
  const payments = await db.team.create({ data: { slug: "payments", name: "Payments" } });
  services = [];
  releaseIds = new Map();
  for (const [name, teamId] of [["checkout", payments.id], ["ledger", payments.id], ["gateway", undefined], ["search", undefined]] as const) {
    const service = await db.service.create({ data: { name, teamId } });
    services.push({ id: service.id, name, teamSlug: teamId === undefined ? null : "payments" });
    const releases = [];
    for (const version of ["v1", "v2"]) releases.push((await db.release.create({ data: { serviceId: service.id, version, firstSeenAt: new Date() } })).id);
    releaseIds.set(service.id, releases);
  }
  environmentIds = [];
  for (const [rank, name] of ["dev", "staging", "prod"].entries()) environmentIds.push((await db.environment.create({ data: { name, rank } })).id);
  clusters = [];
  for (const [name, region] of [["us-1", "us"], ["us-2", "us"], ["eu-1", "eu"], ["lab", null]] as const) {
    clusters.push({ id: (await db.cluster.create({ data: { argoInstanceId, name, server: `https://${name}`, region } })).id, region });
  }
});

afterAll(async () => {
  await client?.end();
});

/** The row keys (`group/service`) a view must show, from the live applications alone. */
function expectedKeys(applications: LiveApplication[], group: FleetGroup, only: FleetOnly | undefined): string[] {
  const matches = (list: LiveApplication[]) => {
    if (only === "degraded") return list.some((application) => application.health_status === "DEGRADED");
    if (only === "out-of-sync") return list.some((application) => application.sync_status === "OUT_OF_SYNC");
    if (only === "skewed") return new Set(list.flatMap((application) => (application.current_release_id === null ? [] : [application.current_release_id]))).size > 1;
    return true;
  };
  const keyOf = (application: LiveApplication): string => {
    if (group === "environment") return String(application.environment_id);
    if (group === "cluster") return String(application.cluster_id);
    return clusters.find((cluster) => cluster.id === application.cluster_id)!.region ?? "";
  };
  const keys: string[] = [];
  for (const service of services) {
    const own = applications.filter((application) => application.service_id === service.id);
    if (group === "none" || group === "team") {
      // Every service is a row without a filter, even one running nothing.
      if (only === undefined || (own.length > 0 && matches(own))) keys.push(`${group === "team" ? (service.teamSlug ?? "") : ""}/${service.name}`);
      continue;
    }
    for (const key of new Set(own.map(keyOf))) {
      if (matches(own.filter((application) => keyOf(application) === key))) keys.push(`${key}/${service.name}`);
    }
  }
  return keys.sort();
}

/** The live degraded applications a row covers (its service, in its environment, cluster or region). */
function degradedCount(applications: LiveApplication[], group: FleetGroup, key: string | null, serviceName: string): number {
  const service = services.find((candidate) => candidate.name === serviceName)!;
  return applications.filter((application) => {
    if (application.service_id !== service.id || application.health_status !== "DEGRADED") return false;
    if (group === "environment") return String(application.environment_id) === key;
    if (group === "cluster") return String(application.cluster_id) === key;
    if (group === "region") return (clusters.find((cluster) => cluster.id === application.cluster_id)!.region ?? "") === key;
    return true;
  }).length;
}

const application = fc.record({
  service: fc.nat({ max: 3 }),
  environment: fc.nat({ max: 2 }),
  cluster: fc.nat({ max: 3 }),
  release: fc.option(fc.nat({ max: 1 }), { nil: null }),
  health: fc.constantFrom(...HEALTH_STATUSES),
  sync: fc.constantFrom("SYNCED", "OUT_OF_SYNC", "UNKNOWN"),
  deleted: fc.boolean(),
});

type Placement = { service: number; environment: number; cluster: number; release: number | null; health: string; sync: string; deleted: boolean };

/** Replaces every application with these placements; the live ones as the views should see them. */
async function placeApplications(placements: Placement[]): Promise<LiveApplication[]> {
  await client.query("TRUNCATE applications CASCADE");
  for (const p of placements) {
    const service = services[p.service]!;
    await client.query(
      `INSERT INTO applications (argo_instance_id, namespace, name, service_id, environment_id, cluster_id, current_release_id, health_status, sync_status, deleted_at, updated_at)
       VALUES ($1, 'argocd', $2, $3, $4, $5, $6, $7::"HealthStatus", $8::"SyncStatus", $9, now())`,
      [
        argoInstanceId,
        `app-${++appNumber}`,
        service.id,
        environmentIds[p.environment],
        clusters[p.cluster]!.id,
        p.release === null ? null : releaseIds.get(service.id)![p.release],
        p.health,
        p.sync,
        p.deleted ? new Date() : null,
      ],
    );
  }
  const { rows } = await client.query<LiveApplication>(
    `SELECT service_id, environment_id, cluster_id, health_status::text, sync_status::text, current_release_id FROM applications WHERE deleted_at IS NULL`,
  );
  return rows;
}

describe("fleet matrix views", () => {
  it("show exactly the rows the live applications imply, for every grouping and filter", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(application, { maxLength: 30 }), async (placements) => {
        const live = await placeApplications(placements);
        for (const group of FLEET_GROUPS) {
          for (const only of [undefined, ...FLEET_ONLY]) {
            const matrix = await listFleetMatrix({ group, only, limit: 200 });
            expect({ group, only, keys: matrix.rows.map((row) => row.key).sort() }).toEqual({ group, only, keys: expectedKeys(live, group, only) });
            expect(matrix.total).toBe(matrix.rows.length);
          }
        }
      }),
      { numRuns: 25, seed: 20261125 },
    );
  }, 300_000);

  it("filtered to degraded, list the rows with the most degraded applications first, then by name", async () => {
    // Mostly degraded applications, so services differ in how many they have.
    const troubled = application.map((p) => ({ ...p, health: p.deleted ? p.health : p.service % 2 === 0 || p.cluster < 2 ? "DEGRADED" : p.health }));
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(troubled, { minLength: 5, maxLength: 30 }), async (placements) => {
        const live = await placeApplications(placements);
        for (const group of FLEET_GROUPS) {
          const matrix = await listFleetMatrix({ group, only: "degraded", limit: 200 });
          const order = matrix.rows.map((row) => ({ group: row.group, service: row.service, degraded: degradedCount(live, group, row.group, row.service) }));
          order.forEach((row, i) => {
            const next = order[i + 1];
            if (!next || next.group !== row.group) return;
            if (row.degraded !== next.degraded) compared += 1;
            expect(row.degraded > next.degraded || (row.degraded === next.degraded && row.service < next.service), JSON.stringify({ group, row, next })).toBe(true);
          });
        }
      }),
      { numRuns: 20, seed: 20261207 },
    );
    // The order was decided by counts often enough to mean something.
    expect(compared).toBeGreaterThan(20);
  }, 300_000);
});
