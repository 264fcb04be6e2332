// service_environment_states is kept by statement triggers on applications (migration
// fleet_current_state). Whatever writes applications — one row, many rows in one statement, a
// soft delete, a move to another service or environment, a TRUNCATE, two transactions at once
// — the table must equal the same numbers aggregated from the live applications directly, also
// when a transaction defers the recounts to its end (lib/fleet/defer-fleet-state.ts).
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { databaseUrl } from "@/lib/env";
import { HEALTH_STATUSES } from "@/lib/fleet/derive-fleet-cell";

type StateRow = {
  service_id: number;
  environment_id: number;
  applications: number;
  healthy: number;
  progressing: number;
  degraded: number;
  out_of_sync: number;
  min_release_id: number | null;
  max_release_id: number | null;
  cluster_ids: number[];
  degraded_cluster_ids: number[];
  out_of_sync_cluster_ids: number[];
  cluster_min_release_ids: (number | null)[];
  cluster_max_release_ids: (number | null)[];
};

type LiveApplication = {
  service_id: number;
  environment_id: number;
  cluster_id: number;
  health_status: string;
  sync_status: string;
  current_release_id: number | null;
};

const SYNC_STATUSES = ["SYNCED", "OUT_OF_SYNC", "UNKNOWN"] as const;

let client: pg.Client;
let argoInstanceId: number;
let serviceIds: number[];
let environmentIds: number[];
let clusterIds: number[];
/** Per service, the ids of its releases. */
let releaseIds: Map<number, number[]>;
let appNumber = 0;

beforeAll(async () => {
  const db = getDb();
  client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  argoInstanceId = (await db.argoInstance.create({ data: { name: "argo" } })).id;
  serviceIds = [];
  releaseIds = new Map();
  for (const name of ["checkout", "ledger", "gateway"]) {
    const service = await db.service.create({ data: { name } });
    serviceIds.push(service.id);
    const releases = [];
    for (const version of ["v1", "v2", "v3"]) releases.push((await db.release.create({ data: { serviceId: service.id, version, firstSeenAt: new Date() } })).id);
    releaseIds.set(service.id, releases);
  }
  environmentIds = [];
  for (const [rank, name] of ["dev", "staging", "prod"].entries()) environmentIds.push((await db.environment.create({ data: { name, rank } })).id);
  clusterIds = [];
  for (const [name, region] of [["us-1", "us"], ["us-2", "us"], ["eu-1", "eu"]]) {
    clusterIds.push((await db.cluster.create({ data: { argoInstanceId, name: name!, server: `https://${name}`, region } })).id);
  }
});

afterAll(async () => {
  await client?.end();
});

/** What the table must hold, aggregated from the live applications in plain TypeScript. */
function expectedStates(applications: LiveApplication[]): StateRow[] {
  const cells = new Map<string, LiveApplication[]>();
  for (const application of applications) {
    const key = `${application.service_id}/${application.environment_id}`;
    cells.set(key, [...(cells.get(key) ?? []), application]);
  }
  const lowest = (ids: (number | null)[]) => (ids.some((id) => id !== null) ? Math.min(...ids.filter((id): id is number => id !== null)) : null);
  const highest = (ids: (number | null)[]) => (ids.some((id) => id !== null) ? Math.max(...ids.filter((id): id is number => id !== null)) : null);
  const rows = [...cells.values()].map((cell): StateRow => {
    const clusters = [...new Set(cell.map((application) => application.cluster_id))].sort((a, b) => a - b);
    const inCluster = (clusterId: number) => cell.filter((application) => application.cluster_id === clusterId);
    const releasesIn = (list: LiveApplication[]) => list.map((application) => application.current_release_id);
    return {
      service_id: cell[0]!.service_id,
      environment_id: cell[0]!.environment_id,
      applications: cell.length,
      healthy: cell.filter((application) => application.health_status === "HEALTHY").length,
      progressing: cell.filter((application) => application.health_status === "PROGRESSING").length,
      degraded: cell.filter((application) => application.health_status === "DEGRADED").length,
      out_of_sync: cell.filter((application) => application.sync_status === "OUT_OF_SYNC").length,
      min_release_id: lowest(releasesIn(cell)),
      max_release_id: highest(releasesIn(cell)),
      cluster_ids: clusters,
      degraded_cluster_ids: clusters.filter((id) => inCluster(id).some((application) => application.health_status === "DEGRADED")),
      out_of_sync_cluster_ids: clusters.filter((id) => inCluster(id).some((application) => application.sync_status === "OUT_OF_SYNC")),
      cluster_min_release_ids: clusters.map((id) => lowest(releasesIn(inCluster(id)))),
      cluster_max_release_ids: clusters.map((id) => highest(releasesIn(inCluster(id)))),
    };
  });
  return rows.sort((a, b) => a.service_id - b.service_id || a.environment_id - b.environment_id);
}

async function readStates(): Promise<{ live: StateRow[]; empty: StateRow[] }> {
  const { rows } = await client.query<StateRow>(`SELECT * FROM service_environment_states ORDER BY service_id, environment_id`);
  return { live: rows.filter((row) => row.applications > 0), empty: rows.filter((row) => row.applications === 0) };
}

async function readLiveApplications(): Promise<LiveApplication[]> {
  const { rows } = await client.query<LiveApplication>(
    `SELECT service_id, environment_id, cluster_id, health_status::text, sync_status::text, current_release_id FROM applications WHERE deleted_at IS NULL`,
  );
  return rows;
}

async function expectStatesMatchApplications(): Promise<void> {
  const { live, empty } = await readStates();
  expect(live).toEqual(expectedStates(await readLiveApplications()));
  // A (service, environment) whose applications are all gone keeps a row of zeros.
  for (const row of empty) {
    expect(row).toMatchObject({ healthy: 0, progressing: 0, degraded: 0, out_of_sync: 0, min_release_id: null, max_release_id: null, cluster_ids: [] });
  }
}

// ---------------------------------------------------------------- random changes

const placement = () =>
  fc.record({
    service: fc.nat({ max: 2 }),
    environment: fc.nat({ max: 2 }),
    cluster: fc.nat({ max: 2 }),
    release: fc.option(fc.nat({ max: 2 }), { nil: null }),
    health: fc.constantFrom(...HEALTH_STATUSES),
    sync: fc.constantFrom(...SYNC_STATUSES),
  });

type Placement = { service: number; environment: number; cluster: number; release: number | null; health: string; sync: string };

const change = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), applications: fc.array(placement(), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant("update" as const), pick: fc.nat(), to: placement() }),
  fc.record({ kind: fc.constant("health" as const), service: fc.nat({ max: 2 }), health: fc.constantFrom(...HEALTH_STATUSES) }),
  fc.record({ kind: fc.constant("observe" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("soft-delete" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("restore" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
);

type Change = typeof change extends fc.Arbitrary<infer T> ? T : never;

function values(p: Placement) {
  const serviceId = serviceIds[p.service]!;
  return {
    serviceId,
    environmentId: environmentIds[p.environment]!,
    clusterId: clusterIds[p.cluster]!,
    releaseId: p.release === null ? null : releaseIds.get(serviceId)![p.release]!,
  };
}

async function pickApplication(pick: number, where = "TRUE"): Promise<number | undefined> {
  const { rows } = await client.query<{ id: number }>(`SELECT id FROM applications WHERE ${where} ORDER BY id`);
  return rows.length === 0 ? undefined : rows[pick % rows.length]!.id;
}

async function apply(step: Change): Promise<void> {
  switch (step.kind) {
    case "insert": {
      // One statement for all of them, as the bulk loader's COPY does.
      const rows = step.applications.map((p) => ({ ...values(p), health: p.health, sync: p.sync, name: `app-${++appNumber}` }));
      await client.query(
        `INSERT INTO applications (argo_instance_id, namespace, name, service_id, environment_id, cluster_id, current_release_id, health_status, sync_status, updated_at)
         SELECT $1, 'argocd', v.name, v.service_id, v.environment_id, v.cluster_id, v.release_id, v.health::"HealthStatus", v.sync::"SyncStatus", now()
         FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::text[])
           AS v(name, service_id, environment_id, cluster_id, release_id, health, sync)`,
        [
          argoInstanceId,
          rows.map((row) => row.name),
          rows.map((row) => row.serviceId),
          rows.map((row) => row.environmentId),
          rows.map((row) => row.clusterId),
          rows.map((row) => row.releaseId),
          rows.map((row) => row.health),
          rows.map((row) => row.sync),
        ],
      );
      return;
    }
    case "update": {
      const id = await pickApplication(step.pick);
      if (id === undefined) return;
      const to = values(step.to);
      await client.query(
        `UPDATE applications SET service_id = $2, environment_id = $3, cluster_id = $4, current_release_id = $5,
           health_status = $6::"HealthStatus", sync_status = $7::"SyncStatus" WHERE id = $1`,
        [id, to.serviceId, to.environmentId, to.clusterId, to.releaseId, step.to.health, step.to.sync],
      );
      return;
    }
    case "health":
      // Many rows in one statement, across environments.
      await client.query(`UPDATE applications SET health_status = $2::"HealthStatus" WHERE service_id = $1`, [serviceIds[step.service], step.health]);
      return;
    case "observe": {
      // An update of columns the summary does not read.
      const id = await pickApplication(step.pick);
      if (id !== undefined) await client.query(`UPDATE applications SET observed_at = now(), images = ARRAY['img:1'] WHERE id = $1`, [id]);
      return;
    }
    case "soft-delete": {
      const id = await pickApplication(step.pick, "deleted_at IS NULL");
      if (id !== undefined) await client.query(`UPDATE applications SET deleted_at = now() WHERE id = $1`, [id]);
      return;
    }
    case "restore": {
      const id = await pickApplication(step.pick, "deleted_at IS NOT NULL");
      if (id !== undefined) await client.query(`UPDATE applications SET deleted_at = NULL WHERE id = $1`, [id]);
      return;
    }
    case "delete": {
      const id = await pickApplication(step.pick);
      if (id !== undefined) await client.query(`DELETE FROM applications WHERE id = $1`, [id]);
      return;
    }
  }
}

describe("service_environment_states", () => {
  it("equals the aggregate of live applications after any sequence of inserts, updates, moves, soft and hard deletes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 25 }), async (steps) => {
        await client.query("TRUNCATE applications CASCADE");
        for (const step of steps) await apply(step);
        await expectStatesMatchApplications();
      }),
      { numRuns: 60, seed: 20261124 },
    );
  }, 300_000);

  it("is emptied with applications by a TRUNCATE, as the projection rebuild does", async () => {
    await apply({ kind: "insert", applications: [{ service: 0, environment: 0, cluster: 0, release: 0, health: "DEGRADED", sync: "SYNCED" }] });
    expect((await readStates()).live).toHaveLength(1);
    await client.query("TRUNCATE applications CASCADE");
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM service_environment_states`);
    expect(rows[0].n).toBe(0);
  });

  it("counts both changes when two transactions change the same service and environment at once", async () => {
    await client.query("TRUNCATE applications CASCADE");
    await apply({
      kind: "insert",
      applications: [
        { service: 1, environment: 2, cluster: 0, release: 0, health: "HEALTHY", sync: "SYNCED" },
        { service: 1, environment: 2, cluster: 1, release: 0, health: "HEALTHY", sync: "SYNCED" },
      ],
    });
    const { rows } = await client.query<{ id: number }>(`SELECT id FROM applications ORDER BY id`);
    const other = new pg.Client({ connectionString: databaseUrl() });
    await other.connect();
    try {
      await client.query("BEGIN");
      await client.query(`UPDATE applications SET health_status = 'DEGRADED' WHERE id = $1`, [rows[0]!.id]);
      await other.query("BEGIN");
      // Waits for the first transaction's lock on the (service, environment) row.
      const second = other.query(`UPDATE applications SET sync_status = 'OUT_OF_SYNC', current_release_id = $2 WHERE id = $1`, [
        rows[1]!.id,
        releaseIds.get(serviceIds[1]!)![1],
      ]);
      await client.query("COMMIT");
      await second;
      await other.query("COMMIT");
    } finally {
      await other.end();
    }
    await expectStatesMatchApplications();
    const { live } = await readStates();
    expect(live[0]).toMatchObject({ degraded: 1, out_of_sync: 1, degraded_cluster_ids: [clusterIds[0]], out_of_sync_cluster_ids: [clusterIds[1]] });
    expect(live[0]!.min_release_id).not.toBe(live[0]!.max_release_id);
  });

  it("equals the same aggregate when a transaction defers its recounts to its end, as the worker's batches do", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 0, maxLength: 6 }), fc.array(change, { minLength: 1, maxLength: 20 }), async (before, steps) => {
        await client.query("TRUNCATE applications CASCADE");
        for (const step of before) await apply(step);
        const committed = await readStates();
        await client.query("BEGIN");
        try {
          await client.query(`SELECT set_config('shiplog.defer_fleet_state', 'on', true)`);
          for (const step of steps) await apply(step);
          // Nothing recounted yet: the rows are as the last commit left them.
          const deferred = await readStates();
          expect(deferred.live).toEqual(committed.live);
          await client.query(`SELECT refresh_deferred_service_environment_states()`);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
        await expectStatesMatchApplications();
      }),
      { numRuns: 30, seed: 20261207 },
    );
  }, 300_000);

  it("recounts at once again after the deferred refresh, and forgets keys a rolled-back savepoint collected", async () => {
    await client.query("TRUNCATE applications CASCADE");
    await apply({ kind: "insert", applications: [{ service: 0, environment: 0, cluster: 0, release: 0, health: "HEALTHY", sync: "SYNCED" }] });
    await client.query("BEGIN");
    await client.query(`SELECT set_config('shiplog.defer_fleet_state', 'on', true)`);
    await client.query("SAVEPOINT s");
    await apply({ kind: "health", service: 0, health: "DEGRADED" });
    await client.query("ROLLBACK TO SAVEPOINT s");
    await apply({ kind: "insert", applications: [{ service: 2, environment: 1, cluster: 1, release: null, health: "MISSING", sync: "OUT_OF_SYNC" }] });
    await client.query(`SELECT refresh_deferred_service_environment_states()`);
    await apply({ kind: "health", service: 0, health: "PROGRESSING" });
    // Not deferred any more: this change is counted before the commit.
    expect((await readStates()).live.find((row) => row.service_id === serviceIds[0])).toMatchObject({ progressing: 1, healthy: 0 });
    await client.query("COMMIT");
    await expectStatesMatchApplications();
    const { rows } = await client.query<{ value: string }>(`SELECT current_setting('shiplog.deferred_service_ids', true) AS value`);
    expect(rows[0]!.value ?? "").toBe("");
  });
});
